import type { Copy, Design, Device, MomentId, OfferType, Payload } from "./model";

/**
 * The decision's input and output: what surfaces pass to `decide()` and render from it. `CartLine`
 * and `LineToAdd` mirror Shopify's cart (`variantId` is a product variant GID); the experiment arm
 * is `armId` everywhere. The `ATTR` keys are on the wire (line and order attributes of orders
 * already placed): never change their values.
 */

export interface CartLine {
  productId: string;
  variantId: string;
  quantity: number;
  /** Unit price in minor units of the cart currency. */
  unitPrice: number;
  productType?: string;
  vendor?: string;
  tags?: readonly string[];
  collectionIds?: readonly string[];
  sellingPlanId?: string;
  /** Line attributes (offer lines carry the `_moments_*` attributes). */
  attributes?: Readonly<Record<string, string>>;
}

export interface Cart {
  lines: readonly CartLine[];
  /** Subtotal in minor units of `currency`. */
  subtotal: number;
  currency: string;
}

export interface JourneyState {
  /** Offers shown (or held out) so far in this journey, with the moment they appeared at. */
  shown?: ReadonlyArray<{ offerId: string; moment: MomentId }>;
  accepted?: readonly string[];
  /** Offers the buyer declined; a declined offer's linked `downsell` may take its place. */
  declined?: readonly string[];
}

export interface DecideInput {
  /** Epoch ms; the engine never reads the clock. */
  now: number;
  /** Moments to decide, in journey order; an offer appears at most once per decision. */
  moments: readonly MomentId[];
  /** Stable buyer / journey key used for experiment assignment. */
  buyerKey: string;
  cart: Cart;
  country?: string;
  market?: string;
  /** Buyer locale, e.g. "fr-CA"; falls back to the language, then settings.defaultLocale. */
  locale?: string;
  device?: Device;
  buyer?: { returning?: boolean; tags?: readonly string[] };
  /** Products of the order just placed (post-purchase, thank-you, email). */
  purchasedProductIds?: readonly string[];
  journey?: JourneyState;
  /** variantId -> available quantity or availability; absent = assume available. */
  inventory?: Readonly<Record<string, number | boolean>>;
  payload: Payload;
}

export const REASONS = [
  "inactive",
  "scheduled_not_started",
  "expired",
  "moment_mismatch",
  "swap_unavailable",
  "downsell_only",
  "currency_mismatch",
  "country_mismatch",
  "language_mismatch",
  "device_mismatch",
  "segment_mismatch",
  "customer_tag_mismatch",
  "trigger_not_in_cart",
  "no_complement",
  "subtotal_out_of_range",
  "quantity_out_of_range",
  "no_price_in_currency",
  "already_in_cart",
  "already_purchased",
  "accepted_in_journey",
  "out_of_stock",
  "declined_in_journey",
  "after_decline",
  "same_product_conflict",
  "journey_cap_reached",
  "moment_limit_reached",
  "lower_priority",
  "holdout",
] as const;
export type Reason = (typeof REASONS)[number];

export interface Excluded {
  offerId: string;
  reason: Reason;
  detail?: string;
}

export interface Price {
  currency: string;
  /** Undiscounted price of the whole offer (all items x quantities), minor units. */
  original: number;
  /** What the buyer pays for the offer, minor units; 0 <= final <= original. */
  final: number;
  savings: number;
}

export interface LineToAdd {
  /** add a new line, or swap an existing line (variant upgrade, subscription upgrade). */
  action: "add" | "swap";
  productId: string;
  variantId: string;
  quantity: number;
  /** The selling plan the line is bought on (swaps: the plan the swapped line ends on). */
  sellingPlanId?: string;
  /** Swaps: the variant and selling plan of the cart line being replaced (the line to update). */
  replacesVariantId?: string;
  replacesSellingPlanId?: string;
  /** Undiscounted and final price of this line (the offer's final split across its lines). */
  listTotal: number;
  finalTotal: number;
  /** Write these as line attributes; the Discount Function re-checks them (verifyOfferLine). */
  attributes: Record<string, string>;
}

export interface ShownOffer {
  offerId: string;
  type: OfferType;
  moment: MomentId;
  rank: number;
  /** 1-based place among the moment's selected offers, counting held-out ones (see Exposure.slot). */
  slot: number;
  experimentId?: string;
  /** Experiment arm (`experiment.variants[].id`), when the offer runs an experiment. */
  armId?: string;
  /** The arm's or the offer's layout; absent = "card" (decision 024). */
  design?: Design;
  /** The product image's URL (the offer's `image` joined): https, or a path on the app's origin. */
  image?: string;
  /** A linked downsell: the declined offer whose place this one takes (decision 027). */
  downsellOf?: string;
  locale: string;
  copy: Copy;
  price: Price;
  lines: LineToAdd[];
}

/**
 * A buyer's arm in an experiment, decided where the offer took its place at a moment: the same
 * record for the hold-out and every variant, whatever placements, limits or lower-ranked offers do
 * afterwards. Every surface logs these (as `exposure` events) at the point of decision, so that the
 * arms of an experiment are compared over the same buyers (docs/measurement.md, decision 013).
 */
export interface Exposure {
  experimentId: string;
  /** The experiment's version: what a buyer in each arm sees; results are kept per version. */
  version: number;
  offerId: string;
  moment: MomentId;
  /** "holdout" or the arm id (`ShownOffer.armId`). */
  arm: string;
  /** 1-based place among the moment's selected offers (held-out offers keep theirs, empty). */
  slot: number;
  /** Pre-exposure covariate: the cart subtotal at the decision, minor units of `currency`. */
  cartMinor: number;
  currency: string;
}

export interface MomentDecision {
  moment: MomentId;
  offers: ShownOffer[];
  excluded: Excluded[];
  /** Every experiment offer that took a place here, in place order, hold-out or not. */
  exposures: Exposure[];
}

export interface Decision {
  moments: MomentDecision[];
}

export const ATTR = {
  offer: "_moments_offer",
  /** The experiment arm (empty without one). The key keeps its first name: checkouts already
   * deployed stamp it on orders (decision 020). */
  arm: "_moments_variant",
  moment: "_moments_moment",
  token: "_moments_token",
  /** Order (cart) attribute, not a line attribute: the journey key, so that every order, hold-out
   * buyers' included, can be compared arm by arm. */
  journey: "_moments_journey",
} as const;
