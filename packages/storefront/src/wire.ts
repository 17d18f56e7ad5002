/**
 * What the storefront script and the app proxy (`/apps/moments/offers` -> `/proxy/offers`) say to
 * each other. Kept tiny: the script only renders what the engine decided on the server.
 *
 * Request query (besides Shopify's own `shop`, `path_prefix`, `timestamp`,
 * `logged_in_customer_id`, `signature`):
 *   moment  "cart" | "exit_intent"
 *   jk      journey key (the engine's buyerKey; random, kept in localStorage)
 *   cur     cart currency (ISO 4217), loc: locale, dev: "mobile" | "desktop", country (ISO 3166)
 *   ret     "1" for a returning customer, ctags: customer tags joined with ","
 *   c       the cart as JSON: CartTuple[] (prices as /cart.js gives them: cents)
 *   seen    offers shown earlier in the journey, "offerId@moment" joined with ","
 *   dec     offers the buyer declined, joined with ","
 */
export type CartTuple = [
  productId: number,
  variantId: number,
  quantity: number,
  /** Unit price as the Cart AJAX API gives it: hundredths of the presentment currency. */
  cents: number,
  vendor?: string,
  /** The `_moments_offer` property of a line an offer added, "" otherwise. */
  offer?: string,
  tags?: string[],
  /** Numeric collection ids. */
  collections?: number[],
  /** The numeric selling plan the line is bought on (a subscription), absent for a one-time line. */
  sellingPlan?: number,
];

export interface WireLine {
  /** Numeric variant id, as /cart/add.js takes it. */
  id: number;
  q: number;
  /** Line item properties (the engine's ATTR names): the Discount Function and attribution read them. */
  p: Record<string, string>;
  /** Swap offers: the numeric variant id of the line being replaced. */
  r?: number;
  /** The numeric selling plan the line is added on (a subscription / plan upgrade), as /cart/add.js takes it. */
  s?: number;
}

export interface WireOffer {
  /** Offer id. */
  id: string;
  exp?: string;
  /** Experiment arm id. */
  arm?: string;
  /** The layout (engine `DESIGNS`: "card", "compact", "banner"); anything else is read as "card". */
  design?: string;
  /** The product image's URL (https, or a path on the app's origin in the demo). */
  image?: string;
  title: string;
  body?: string;
  cta?: string;
  decline?: string;
  /** Formatted final price, and the undiscounted one when there is a saving. */
  price: string;
  was?: string;
  /** Final price in minor units of `cur` (the accept event's value). */
  value: number;
  cur: string;
  /** Epoch ms the offer ends (a limited-time bundle shows a countdown). */
  ends?: number;
  /** A linked downsell: the declined offer whose place it takes (shown right after that "no"). */
  after?: string;
  lines: WireLine[];
}

/**
 * The offers to show, by place (the script shows the first). A place the buyer is held out of is
 * left out: the proxy logged the moment's exposures (hold-out and variants alike) where it decided.
 */
export interface WireResponse {
  moment: "cart" | "exit_intent";
  offers: WireOffer[];
  /**
   * The moment's experiment arms for this journey, hold-out included, as `_moments_arms` entries
   * (`<experimentId>:<version>:<arm>`, @moments/contracts ARMS_ATTR): the script carries them into
   * the checkout on the cart (decision 035). Absent when the moment decided no experiment.
   */
  arms?: string[];
}
