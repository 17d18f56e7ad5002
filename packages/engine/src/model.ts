import { arr, enm, int, obj, opt, rec, str, union, type Infer } from "./v";

/**
 * The moment ids, in journey order. Their own list (not derived from MOMENTS) so code that only
 * decides, like the checkout extension, does not ship the admin's labels.
 */
export const MOMENT_IDS = [
  "cart",
  "exit_intent",
  "checkout",
  "information",
  "shipping",
  "payment",
  "post_purchase",
  "thank_you",
  "email",
] as const;
export type MomentId = (typeof MOMENT_IDS)[number];

/** The buyer moments for people: labels, and what a non-Plus shop gets instead. */
export const MOMENTS: ReadonlyArray<{ id: MomentId; label: string; plusOnly: boolean; alternative: MomentId | null }> =
  [
    { id: "cart", label: "In-cart cross-sell", plusOnly: false, alternative: null },
    { id: "exit_intent", label: "Exit intent", plusOnly: false, alternative: null },
    { id: "checkout", label: "Checkout: before payment", plusOnly: true, alternative: "cart" },
    { id: "information", label: "Contact / address form", plusOnly: true, alternative: "post_purchase" },
    { id: "shipping", label: "Shipping step", plusOnly: true, alternative: "thank_you" },
    { id: "payment", label: "Payment step", plusOnly: true, alternative: "post_purchase" },
    { id: "post_purchase", label: "Post-purchase page", plusOnly: false, alternative: null },
    { id: "thank_you", label: "Thank-you / order status", plusOnly: false, alternative: null },
    { id: "email", label: "Follow-up email", plusOnly: false, alternative: null },
  ];

export const OFFER_TYPES = [
  "product",
  "bundle",
  "warranty",
  "variant_upgrade",
  "discount",
  "subscription_upgrade",
  "shipping_protection",
  "service_addon",
  /**
   * No fixed items: per cart, the engine offers the best complement of the cart's products from the
   * payload's complement table (`complements`, decision 034).
   */
  "dynamic",
] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

/**
 * The moments where a swap offer (`variant_upgrade`, `subscription_upgrade`) can switch a cart line:
 * before payment, where the cart can still change. After payment the line is bought: post-purchase
 * changesets only add lines (`add_variant`, `add_subscription`: no change of a purchased line's
 * variant or selling plan), and thank-you and the email add to the order or start a new one
 * (decision 027).
 */
export const SWAP_MOMENTS: readonly MomentId[] = [
  "cart",
  "exit_intent",
  "checkout",
  "information",
  "shipping",
  "payment",
];
export const OFFER_STATUSES = ["active", "paused", "draft", "archived"] as const;
export const DEVICES = ["mobile", "desktop"] as const;
export type Device = (typeof DEVICES)[number];

const id = str(1, 64);
const ids = arr(id, 0, 100);
const currency = str(3, 3, /^[A-Z]{3}$/);
const locale = str(2, 12, /^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/);
const minor = int(0, 1e11);
/** Amounts in integer minor units per presentment currency, e.g. { EUR: 4999, USD: 5499 }. */
const perCurrency = rec(currency, minor);
const moment = enm(MOMENT_IDS);

/**
 * The named layouts every surface renders (decision 024): `card` (the product image beside the
 * copy; the default, also when absent), `compact` (one line: thumbnail, headline, price and the
 * actions) and `banner` (a wide image above a bold headline). Chosen per offer and per arm.
 */
export const DESIGNS = ["card", "compact", "banner"] as const;
export type Design = (typeof DESIGNS)[number];
export const designSpec = enm(DESIGNS);

/**
 * One part of an offer's product image, [folder, file]: the URL is the two joined. A folder is an
 * https URL's path up to its last "/" (Shopify's CDN) or a path on the app's own origin (the demo's
 * images, "/demo-products/"); a file has no "/" and no ":" (so the join can never be a URL of another
 * scheme). Split so the payload's shared-value table stores a shop's CDN folder once (decision 024).
 */
export const imageSpec = arr(str(1, 300, /^(https:\/\/[\w.-]+(:\d+)?)?\/([^\s"'<>\\?#]*\/)?$|^[^/\s"'<>\\:]+$/), 2, 2);

export const copySpec = obj({
  title: str(1, 120),
  body: opt(str(0, 500)),
  cta: opt(str(1, 40)),
  decline: opt(str(1, 40)),
});
const copyByLocale = rec(locale, copySpec);

export const discountSpec = union("kind", {
  /** Whole percent off the offer's price, rounded half-up to the minor unit. */
  percent: obj({ kind: enm(["percent"]), percent: int(1, 100) }),
  /** A fixed amount off the whole offer, per currency. */
  fixed: obj({ kind: enm(["fixed"]), amounts: perCurrency }),
  /** The whole offer (all items) for this total, per currency. */
  bundle_price: obj({ kind: enm(["bundle_price"]), prices: perCurrency }),
});

export const itemSpec = obj({
  productId: id,
  variantId: id,
  quantity: int(1, 99),
  /** Published unit price of the variant per currency (the undiscounted price). */
  prices: perCurrency,
  /**
   * The selling plan the offer sells the variant on. Swap offers: the plan the swapped line ends on
   * (a subscription / plan upgrade); a variant upgrade without one keeps the line's own plan.
   */
  sellingPlanId: opt(id),
});

const range = obj({ min: opt(int(0, 1e11)), max: opt(int(0, 1e11)) });

export const targetingSpec = obj({
  /** Trigger: at least one cart line matches any of these (OR across the four lists). */
  products: opt(ids),
  collections: opt(ids),
  tags: opt(arr(str(1, 255), 0, 100)),
  vendors: opt(arr(str(1, 255), 0, 100)),
  /** Cart subtotal range per currency, inclusive, minor units. */
  subtotal: opt(rec(currency, range)),
  quantity: opt(obj({ min: opt(int(0, 1e6)), max: opt(int(0, 1e6)) })),
  devices: opt(arr(enm(DEVICES), 1, 2)),
  countries: opt(arr(str(2, 2, /^[A-Z]{2}$/), 0, 250)),
  markets: opt(ids),
  currencies: opt(arr(currency, 0, 200)),
  languages: opt(arr(locale, 0, 100)),
  buyer: opt(enm(["any", "first_time", "returning"])),
  customerTags: opt(arr(str(1, 255), 0, 100)),
  excludeCustomerTags: opt(arr(str(1, 255), 0, 100)),
});

export const variantSpec = obj({
  id: str(1, 32),
  /** Relative weight (any non-negative integers; 0 = paused arm). */
  weight: int(0, 10000),
  copy: opt(copyByLocale),
  discount: opt(discountSpec),
  moments: opt(arr(moment, 1, 9)),
  design: opt(designSpec),
});

export const experimentSpec = obj({
  id: str(1, 64),
  /** Share of buyers (basis points, 0..10000) who see nothing: the hold-out. */
  holdoutBps: int(0, 10000),
  variants: arr(variantSpec, 1, 10),
  /** Starts at 1; a change to what buyers of a running experiment see starts the next version. */
  version: opt(int(1, 1000000)),
});

export const offerSpec = obj({
  id,
  status: enm(OFFER_STATUSES),
  type: enm(OFFER_TYPES),
  moments: arr(moment, 1, 9),
  /** Higher shows first; ties break on offer id. */
  priority: int(0, 1000),
  /** Schedule, epoch ms; start inclusive, end exclusive. */
  startsAt: opt(int(0, 1e14)),
  endsAt: opt(int(0, 1e14)),
  /** At least one, except a `dynamic` offer's: none, its item is chosen per cart (decision 034). */
  items: arr(itemSpec, 0, 10),
  discount: opt(discountSpec),
  /** Warranty / protection / insurance priced as a % of the covered cart line or of the subtotal. */
  pricing: opt(obj({ percent: int(1, 100), of: enm(["line", "subtotal"]) })),
  copy: copyByLocale,
  design: opt(designSpec),
  /** The first item's product image as [folder, file] (`splitImageUrl`); display only. */
  image: opt(imageSpec),
  targeting: opt(targetingSpec),
  experiment: opt(experimentSpec),
  /**
   * The offer shown in this one's place when the buyer declines it (an offer id of the same shop).
   * An offer some offer names here is a downsell only: it shows after that offer's decline, at a
   * moment the declined offer runs at, and never on its own (decision 027).
   */
  downsell: opt(id),
});

/** Intl.NumberFormat currencyDisplay values a merchant can choose (all amounts stay in the buyer's currency). */
export const CURRENCY_DISPLAYS = ["symbol", "narrowSymbol", "code"] as const;
export type CurrencyDisplay = (typeof CURRENCY_DISPLAYS)[number];
/** Thank-you offers: Shopify's order editing on the paid order (decision 026), or a new checkout. */
export const THANK_YOU_ACCEPTS = ["order_edit", "new_checkout"] as const;
export type ThankYouAccept = (typeof THANK_YOU_ACCEPTS)[number];

export const settingsSpec = obj({
  /** Max distinct offers shown per buyer journey, across all moments. */
  journeyCap: int(0, 50),
  /** Max distinct offers per moment per journey (default 1). */
  momentLimits: opt(rec(moment, int(0, 10))),
  defaultLocale: locale,
  /** Optional price ending per currency, in minor units modulo 10^max(2, exponent), e.g. { EUR: 99 }. */
  charm: opt(rec(currency, int(0, 999))),
  /** How buyers see prices: Intl.NumberFormat's currencyDisplay (absent = "symbol"). */
  currencyDisplay: opt(enm(CURRENCY_DISPLAYS)),
  /** What a decline hides: that offer (absent, "offer") or every later offer of the journey. */
  afterDecline: opt(enm(["offer", "journey"])),
  /** How a thank-you offer is taken: added to the paid order (absent, "order_edit") or a new checkout. */
  thankYouAccept: opt(enm(THANK_YOU_ACCEPTS)),
});

/** Complements kept per trigger product, best first, and trigger products kept (decision 034). */
export const COMPLEMENTS_PER_TRIGGER = 3;
export const COMPLEMENT_TRIGGERS_MAX = 50;

/** A product a dynamic offer can offer: the variant sold, its prices, its image. */
export const complementItemSpec = obj({ productId: id, variantId: id, prices: perCurrency, image: opt(imageSpec) });
/** One trigger product's complements, best first (the shop's mined co-purchases, decision 034). */
export const complementSpec = obj({
  productId: id,
  items: arr(complementItemSpec, 1, COMPLEMENTS_PER_TRIGGER),
});

export const payloadSpec = obj({
  v: int(1, 1),
  publishedAt: int(0, 1e14),
  settings: settingsSpec,
  offers: arr(offerSpec, 0, 500),
  /** What dynamic offers choose from; absent when no dynamic offer is published. */
  complements: opt(arr(complementSpec, 0, COMPLEMENT_TRIGGERS_MAX)),
});

export type Copy = Infer<typeof copySpec>;
export type Discount = Infer<typeof discountSpec>;
export type OfferItem = Infer<typeof itemSpec>;
export type Targeting = Infer<typeof targetingSpec>;
export type ExperimentVariant = Infer<typeof variantSpec>;
export type Experiment = Infer<typeof experimentSpec>;
export type Offer = Infer<typeof offerSpec>;
export type Settings = Infer<typeof settingsSpec>;
export type Payload = Infer<typeof payloadSpec>;
export type ComplementItem = Infer<typeof complementItemSpec>;
export type Complements = Infer<typeof complementSpec>[];
