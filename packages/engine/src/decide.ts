import { assign, type Arm } from "./assign";
import {
  MOMENT_IDS,
  type Copy,
  type Device,
  type Discount,
  type MomentId,
  type Offer,
  type OfferType,
  type Payload,
  type Settings,
} from "./model";
import { charmDown, pct } from "./money";

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
  "currency_mismatch",
  "country_mismatch",
  "language_mismatch",
  "device_mismatch",
  "segment_mismatch",
  "customer_tag_mismatch",
  "trigger_not_in_cart",
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
  sellingPlanId?: string;
  replacesVariantId?: string;
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
  /** Experiment arm, when the offer runs an experiment. */
  variantId?: string;
  design?: string;
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
  /** "holdout" or the variant (arm) id. */
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
  variant: "_moments_variant",
  moment: "_moments_moment",
  token: "_moments_token",
  /** Order (cart) attribute, not a line attribute: the journey key, so that every order, hold-out
   * buyers' included, can be compared arm by arm. */
  journey: "_moments_journey",
} as const;

// ---------------------------------------------------------------------------------------------
// prepare(): per-payload indexes, built once and cached by payload identity.

export interface Prepared {
  payload: Payload;
  settings: Settings;
  offers: PreparedOffer[];
  byId: Map<string, PreparedOffer>;
  byMoment: Map<string, { scan: PreparedOffer[]; mismatch: Excluded[] }>;
}

export interface PreparedOffer {
  o: Offer;
  productList: string[];
  moments: Set<string>;
  /** Some experiment arm overrides the moments. */
  armMoments: boolean;
  ex: Partial<Record<Reason, Excluded>>;
  productIds: Set<string>;
  tProducts?: Set<string>;
  tCollections?: Set<string>;
  tTags?: Set<string>;
  tVendors?: Set<string>;
  hasTrigger: boolean;
  countries?: Set<string>;
  markets?: Set<string>;
  currencies?: Set<string>;
  languages?: Set<string>;
  customerTags?: Set<string>;
  excludeCustomerTags?: Set<string>;
}

const set = <T>(a: readonly T[] | undefined): Set<T> | undefined => (a && a.length ? new Set(a) : undefined);
const cache = new WeakMap<Payload, Prepared>();

export function prepare(payload: Payload): Prepared {
  let p = cache.get(payload);
  if (p) return p;
  const offers = payload.offers
    .map((o): PreparedOffer => {
      const t = o.targeting ?? {};
      const po: PreparedOffer = {
        o,
        moments: new Set(o.moments),
        armMoments: !!o.experiment?.variants.some((v) => v.moments),
        ex: {},
        productIds: new Set(o.items.map((i) => i.productId)),
        productList: [...new Set(o.items.map((i) => i.productId))],
        tProducts: set(t.products),
        tCollections: set(t.collections),
        tTags: set(t.tags),
        tVendors: set(t.vendors),
        hasTrigger: false,
        countries: set(t.countries),
        markets: set(t.markets),
        currencies: set(t.currencies),
        languages: set(t.languages?.map((l) => l.toLowerCase())),
        customerTags: set(t.customerTags),
        excludeCustomerTags: set(t.excludeCustomerTags),
      };
      po.hasTrigger = !!(po.tProducts || po.tCollections || po.tTags || po.tVendors);
      return po;
    })
    .sort((a, b) => b.o.priority - a.o.priority || (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0));
  // Per moment: offers that can never show there whatever the buyer or the time (active, no
  // schedule, moment not targeted by the offer nor by any arm) are excluded up front.
  const byMoment = new Map<string, { scan: PreparedOffer[]; mismatch: Excluded[] }>();
  for (const id of MOMENT_IDS) {
    const scan: PreparedOffer[] = [];
    const mismatch: Excluded[] = [];
    for (const po of offers) {
      const o = po.o;
      const never =
        o.status === "active" &&
        o.startsAt === undefined &&
        o.endsAt === undefined &&
        !po.armMoments &&
        !po.moments.has(id);
      if (never) mismatch.push(exclude(po, "moment_mismatch"));
      else scan.push(po);
    }
    byMoment.set(id, { scan, mismatch });
  }
  p = { payload, settings: payload.settings, offers, byId: new Map(offers.map((x) => [x.o.id, x])), byMoment };
  cache.set(payload, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Shared rules (decide and verifyOfferLine).

const isOfferLine = (l: CartLine) => !!l.attributes?.[ATTR.offer];

/** Does the cart line trigger the offer (products, collections, tags, vendors: any of)? */
export function lineTriggers(po: PreparedOffer, l: CartLine): boolean {
  if (!po.hasTrigger) return true;
  if (po.tProducts?.has(l.productId)) return true;
  if (po.tVendors && l.vendor !== undefined && po.tVendors.has(l.vendor)) return true;
  if (po.tCollections && l.collectionIds) for (const c of l.collectionIds) if (po.tCollections.has(c)) return true;
  if (po.tTags && l.tags) for (const t of l.tags) if (po.tTags.has(t)) return true;
  return false;
}

export interface CartIndex {
  products: Set<string>;
  collections: Set<string>;
  tags: Set<string>;
  vendors: Set<string>;
  /** All lines (offer lines included) by product id and by variant id. */
  byProduct: Map<string, CartLine[]>;
  byVariant: Map<string, CartLine[]>;
}

const push = (m: Map<string, CartLine[]>, k: string, l: CartLine) => {
  const a = m.get(k);
  if (a) a.push(l);
  else m.set(k, [l]);
};

/** What the cart's own lines (not lines added by offers) carry, for trigger tests. */
export function indexCart(lines: readonly CartLine[]): CartIndex {
  const i: CartIndex = {
    products: new Set(),
    collections: new Set(),
    tags: new Set(),
    vendors: new Set(),
    byProduct: new Map(),
    byVariant: new Map(),
  };
  for (const l of lines) {
    push(i.byProduct, l.productId, l);
    push(i.byVariant, l.variantId, l);
    if (isOfferLine(l)) continue;
    i.products.add(l.productId);
    if (l.vendor !== undefined) i.vendors.add(l.vendor);
    for (const c of l.collectionIds ?? []) i.collections.add(c);
    for (const t of l.tags ?? []) i.tags.add(t);
  }
  return i;
}

const anyIn = (a: Set<string> | undefined, b: Set<string>) => {
  if (a) for (const x of a) if (b.has(x)) return true;
  return false;
};

/** Is the offer triggered by the cart (products, collections, tags, vendors: any of)? */
export const triggered = (po: PreparedOffer, i: CartIndex): boolean =>
  !po.hasTrigger ||
  anyIn(po.tProducts, i.products) ||
  anyIn(po.tCollections, i.collections) ||
  anyIn(po.tTags, i.tags) ||
  anyIn(po.tVendors, i.vendors);

/** The cart's own lines (no offer lines), most expensive first, ties in cart order. */
export const linesByPriceDesc = (lines: readonly CartLine[]): CartLine[] =>
  lines.filter((l) => !isOfferLine(l)).sort((a, b) => b.unitPrice - a.unitPrice);

/**
 * The most expensive triggering non-offer line (the line a warranty covers). Given the lines
 * from `linesByPriceDesc`, the first triggering one is the answer: a decision with many
 * warranties sorts once instead of scanning the cart per offer.
 */
export function coveredLine(po: PreparedOffer, lines: readonly CartLine[], byPriceDesc?: readonly CartLine[]): CartLine | undefined {
  if (byPriceDesc) {
    for (const l of byPriceDesc) if (!po.productIds.has(l.productId) && lineTriggers(po, l)) return l;
    return undefined;
  }
  let best: CartLine | undefined;
  for (const l of lines) {
    if (isOfferLine(l) || po.productIds.has(l.productId) || !lineTriggers(po, l)) continue;
    if (!best || l.unitPrice > best.unitPrice) best = l;
  }
  return best;
}

export interface Priced {
  price: Price;
  /** Final total per item (the offer's final split proportionally, remainder on the last). */
  split: number[];
  /** Undiscounted total per item. */
  list: number[];
  qty: number[];
}
export type PriceResult = Priced | { missing: string };

/** Swap offers replace an existing cart line instead of adding one. */
export const isSwap = (o: Offer) => o.type === "variant_upgrade" || o.type === "subscription_upgrade";

/**
 * The offer's undiscounted and final price in `currency`, and the final split per item.
 * Percent pricing (warranty/protection) prices the offer at `percent`% of the covered line's unit
 * price (or of the subtotal), capped at the variant's published price.
 */
export function priceOffer(
  o: Offer,
  discount: Discount | undefined,
  currency: string,
  covered: number,
  settings: Settings,
  /** Swap offers: the quantity of the line being replaced. */
  swapQuantity?: number,
): PriceResult {
  const list: number[] = [];
  const qty: number[] = [];
  let original = 0;
  const missing = missingPrice(o, discount, currency);
  if (missing) return { missing };
  for (const it of o.items) {
    const unit = it.prices[currency]!;
    const q = swapQuantity ?? it.quantity;
    qty.push(q);
    list.push(unit * q);
    original += unit * q;
  }
  const listTotal = original;
  if (o.pricing) original = Math.min(original, pct(covered, o.pricing.percent));
  let final = original;
  if (discount) {
    if (discount.kind === "percent") final = original - pct(original, discount.percent);
    else {
      const amount = (discount.kind === "fixed" ? discount.amounts : discount.prices)[currency]!;
      final = discount.kind === "fixed" ? original - amount : Math.min(original, amount);
    }
  }
  const ending = settings.charm?.[currency];
  if (ending !== undefined && final !== listTotal) final = charmDown(final, ending, currency);
  final = Math.max(0, Math.min(original, final));
  // Split the final total across items proportionally (floor), remainder on the last item.
  const split: number[] = [];
  let rest = final;
  list.forEach((l, i) => {
    const share = i === list.length - 1 ? rest : listTotal ? Math.floor((final * l) / listTotal) : 0;
    split.push(share);
    rest -= share;
  });
  return { price: { currency, original, final, savings: original - final }, split, list, qty };
}

/** Why the offer cannot be priced in `currency`, or undefined when it can. */
export function missingPrice(o: Offer, discount: Discount | undefined, currency: string): string | undefined {
  for (const it of o.items) if (it.prices[currency] === undefined) return `${it.variantId} has no ${currency} price`;
  if (
    discount &&
    discount.kind !== "percent" &&
    (discount.kind === "fixed" ? discount.amounts : discount.prices)[currency] === undefined
  ) {
    return `discount has no ${currency} amount`;
  }
  return undefined;
}

export function effective(o: Offer, variantId: string | undefined) {
  const v = variantId === undefined ? undefined : o.experiment?.variants.find((x) => x.id === variantId);
  return {
    moments: v?.moments ?? o.moments,
    discount: v?.discount ?? o.discount,
    // Object.assign, not a spread: extensions are bundled for ES2015, where a spread costs a helper.
    copy: v?.copy ? Object.assign({}, o.copy, v.copy) : o.copy,
    design: v?.design ?? o.design,
  };
}

export function resolveCopy(
  copy: Offer["copy"],
  locale: string | undefined,
  settings: Settings,
): { locale: string; copy: Copy } {
  const tries = [locale, locale?.split("-")[0], settings.defaultLocale];
  for (const l of tries) if (l && copy[l]) return { locale: l, copy: copy[l]! };
  const first = Object.keys(copy)[0];
  return first ? { locale: first, copy: copy[first]! } : { locale: settings.defaultLocale, copy: { title: "" } };
}

export const offerToken = (offerId: string, arm: string | undefined, moment: string, publishedAt: number) =>
  `${offerId}~${arm ?? ""}~${moment}~${publishedAt.toString(36)}`;

// ---------------------------------------------------------------------------------------------

/** Exclusions without detail are immutable and shared across decisions (no per-call garbage). */
function exclude(po: PreparedOffer, reason: Reason, detail?: string): Excluded {
  if (detail !== undefined) return { offerId: po.o.id, reason, detail };
  return (po.ex[reason] ??= Object.freeze({ offerId: po.o.id, reason }));
}

type Candidate =
  | (Excluded & { po?: undefined })
  | {
      po: PreparedOffer;
      arm?: Arm;
      discount?: Discount;
      from?: CartLine;
      /** The buyer's arm shows this offer at another moment: it takes its place here, empty. */
      elsewhere?: boolean;
    };

/**
 * Decides which offers to show at each requested moment. Pure and deterministic; never throws on
 * a schema-valid payload. Decision order: see docs/engine.md.
 */
export function decide(input: DecideInput): Decision {
  const P = prepare(input.payload);
  const { settings } = P;
  const { cart, now } = input;
  const lines = cart.lines;
  let qty = 0;
  for (const l of lines) qty += l.quantity;
  let idx: CartIndex | undefined;
  const cartIndex = () => (idx ??= indexCart(lines));
  let sorted: CartLine[] | undefined;
  const byPriceDesc = () => (sorted ??= linesByPriceDesc(lines));
  const purchased = new Set(input.purchasedProductIds);
  const j = input.journey ?? {};
  const declined = new Set(j.declined);
  // The merchant's "a no ends the journey" guardrail: one decline silences every later moment.
  const stopAfterDecline = settings.afterDecline === "journey" && declined.size > 0;
  const accepted = new Set(j.accepted);
  const journeyIds = new Set<string>();
  const atMoment = new Map<string, Set<string>>();
  for (const s of j.shown ?? []) {
    journeyIds.add(s.offerId);
    const m = atMoment.get(s.moment) ?? new Set<string>();
    m.add(s.offerId);
    atMoment.set(s.moment, m);
  }
  const buyerTags = input.buyer?.tags ?? [];
  const returning = !!input.buyer?.returning;
  const locale = input.locale?.toLowerCase();
  const lang = locale?.split("-")[0];
  const cap = settings.journeyCap;
  const usedProducts = new Set<string>();
  const usedOffers = new Set<string>();

  const check = (po: PreparedOffer, moment: MomentId): Candidate => {
    if (!po.armMoments && !po.moments.has(moment) && po.o.status === "active") {
      const o = po.o;
      if (!(o.startsAt !== undefined && now < o.startsAt) && !(o.endsAt !== undefined && now >= o.endsAt))
        return exclude(po, "moment_mismatch");
    }
    const o = po.o;
    const id = o.id;
    if (o.status !== "active") return exclude(po, "inactive", o.status);
    if (o.startsAt !== undefined && now < o.startsAt) return exclude(po, "scheduled_not_started");
    if (o.endsAt !== undefined && now >= o.endsAt) return exclude(po, "expired");
    // Cheap moment test first; only offers whose experiment arms move moments need the arm here.
    if (!po.armMoments && !po.moments.has(moment)) return exclude(po, "moment_mismatch");
    const arm = o.experiment ? assign(o.experiment, input.buyerKey) : undefined;
    const variant = arm?.kind === "variant" ? o.experiment!.variants.find((v) => v.id === arm.variantId) : undefined;
    // An experiment on the moment itself: every arm takes the offer's place at any arm's moment, so
    // the exposure (the first such place in the journey) does not depend on the arm (decision 013).
    if (po.armMoments && !po.moments.has(moment) && !o.experiment!.variants.some((v) => !!v.moments && v.moments.includes(moment)))
      return exclude(po, "moment_mismatch");
    const elsewhere = po.armMoments && !(variant?.moments ?? o.moments).includes(moment);
    if (po.currencies && !po.currencies.has(cart.currency)) return exclude(po, "currency_mismatch", cart.currency);
    if (po.countries && !(input.country && po.countries.has(input.country)))
      return exclude(po, "country_mismatch", input.country);
    if (po.markets && !(input.market && po.markets.has(input.market)))
      return exclude(po, "country_mismatch", "market " + input.market);
    if (po.languages && !(locale && (po.languages.has(locale) || po.languages.has(lang!))))
      return exclude(po, "language_mismatch", locale);
    const t = o.targeting;
    if (t?.devices && !(input.device && t.devices.includes(input.device)))
      return exclude(po, "device_mismatch", input.device);
    if (t?.buyer === "first_time" ? returning : t?.buyer === "returning" ? !returning : false)
      return exclude(po, "segment_mismatch", t!.buyer);
    if (po.customerTags && !buyerTags.some((g) => po.customerTags!.has(g))) return exclude(po, "customer_tag_mismatch");
    if (po.excludeCustomerTags && buyerTags.some((g) => po.excludeCustomerTags!.has(g)))
      return exclude(po, "customer_tag_mismatch", "excluded tag");
    // Trigger and the line a swap / warranty applies to.
    let from: CartLine | undefined;
    const item = o.items[0]!;
    const swap = isSwap(o);
    if (swap) {
      const ci = cartIndex();
      const upgrade = o.type === "variant_upgrade";
      for (const l of (upgrade ? ci.byProduct.get(item.productId) : ci.byVariant.get(item.variantId)) ?? []) {
        if (
          (upgrade ? l.variantId !== item.variantId : l.sellingPlanId !== item.sellingPlanId) &&
          lineTriggers(po, l)
        ) {
          from = l;
          break;
        }
      }
      if (!from) {
        if (ci.byVariant.get(item.variantId)?.some((l) => (l.sellingPlanId ?? "") === (item.sellingPlanId ?? "")))
          return exclude(po, "already_in_cart");
        return exclude(po, "trigger_not_in_cart", "no line to upgrade");
      }
    } else {
      if (po.hasTrigger && !triggered(po, cartIndex())) return exclude(po, "trigger_not_in_cart");
      if (o.pricing?.of === "line" && !(from = coveredLine(po, lines, byPriceDesc())))
        return exclude(po, "trigger_not_in_cart", "no line to cover");
    }
    const sub = t?.subtotal;
    if (sub) {
      const r = sub[cart.currency];
      if (!r || (r.min !== undefined && cart.subtotal < r.min) || (r.max !== undefined && cart.subtotal > r.max))
        return exclude(po, "subtotal_out_of_range");
    }
    const q = t?.quantity;
    if (q && ((q.min !== undefined && qty < q.min) || (q.max !== undefined && qty > q.max)))
      return exclude(po, "quantity_out_of_range");
    const discount = variant?.discount ?? o.discount;
    // An experiment offer needs a price in every live arm, not only the buyer's: taking a place
    // must not depend on the arm (decision 013), or the arms would compare different buyers.
    let missing = missingPrice(o, o.experiment ? undefined : discount, cart.currency);
    if (!missing && o.experiment)
      for (const v of o.experiment.variants)
        if (v.weight > 0 && (missing = missingPrice(o, v.discount || o.discount, cart.currency))) break;
    if (missing) return exclude(po, "no_price_in_currency", missing);
    if (!swap) {
      for (const pid of po.productList) if (cartIndex().byProduct.has(pid)) return exclude(po, "already_in_cart", pid);
      for (const pid of po.productList) if (purchased.has(pid)) return exclude(po, "already_purchased", pid);
    }
    if (accepted.has(id)) return exclude(po, "accepted_in_journey");
    const inv = input.inventory;
    if (inv) {
      for (const it of o.items) {
        const a = inv[it.variantId];
        if (a === false || (typeof a === "number" && a < it.quantity)) return exclude(po, "out_of_stock", it.variantId);
      }
    }
    if (declined.has(id)) return exclude(po, "declined_in_journey");
    if (stopAfterDecline) return exclude(po, "after_decline");
    return { po, arm, discount, from, elsewhere };
  };

  const out: MomentDecision[] = [];
  /** Experiments already exposed in this decision: the first place is the exposure. */
  const exposed = new Set<string>();
  for (const moment of input.moments) {
    const offers: ShownOffer[] = [];
    const exposures: Exposure[] = [];
    const pre = P.byMoment.get(moment);
    const excluded: Excluded[] = pre ? pre.mismatch.slice() : [];
    const limit = settings.momentLimits?.[moment] ?? 1;
    const slots = new Set(atMoment.get(moment));
    let filledHere = 0;
    for (const po of pre ? pre.scan : P.offers) {
      const c = check(po, moment);
      if (c.po === undefined) {
        excluded.push(c as Excluded);
        continue;
      }
      const o = po.o;
      let conflict: string | undefined;
      if (usedOffers.has(o.id)) conflict = o.id;
      else for (const pid of po.productList) if (usedProducts.has(pid)) conflict = pid;
      if (conflict !== undefined) {
        excluded.push(exclude(po, "same_product_conflict", conflict));
        continue;
      }
      if (!journeyIds.has(o.id) && journeyIds.size >= cap) {
        excluded.push(exclude(po, "journey_cap_reached"));
        continue;
      }
      if (!slots.has(o.id) && slots.size >= limit) {
        excluded.push(exclude(po, filledHere > 0 ? "lower_priority" : "moment_limit_reached"));
        continue;
      }
      // Selected: takes a slot (even when held out, so the hold-out is a fair comparison).
      slots.add(o.id);
      filledHere++;
      journeyIds.add(o.id);
      // An arm that shows the offer at a later moment keeps it and its products free for then.
      if (!c.elsewhere) {
        usedOffers.add(o.id);
        for (const pid of po.productList) usedProducts.add(pid);
      }
      if (o.experiment && c.arm && !exposed.has(o.experiment.id)) {
        exposed.add(o.experiment.id);
        exposures.push({
          experimentId: o.experiment.id,
          version: o.experiment.version || 1,
          offerId: o.id,
          moment,
          arm: c.arm.kind === "holdout" ? "holdout" : c.arm.variantId,
          slot: filledHere,
          cartMinor: cart.subtotal,
          currency: cart.currency,
        });
      }
      if (c.elsewhere) {
        excluded.push(exclude(po, "moment_mismatch"));
        continue;
      }
      if (c.arm?.kind === "holdout") {
        excluded.push(exclude(po, "holdout", o.experiment!.id));
        continue;
      }
      const variantId = c.arm?.variantId;
      const covered = o.pricing?.of === "subtotal" ? cart.subtotal : (c.from?.unitPrice ?? 0);
      // Cannot miss: missingPrice() passed. Priced only once selected (ranked-out offers are not).
      const priced = priceOffer(
        o,
        c.discount,
        cart.currency,
        covered,
        settings,
        isSwap(o) ? c.from?.quantity : undefined,
      ) as Priced;
      const eff = effective(o, variantId);
      const { locale: loc, copy } = resolveCopy(eff.copy, input.locale, settings);
      const token = offerToken(o.id, variantId, moment, input.payload.publishedAt);
      const swap = isSwap(o);
      const shown: ShownOffer = {
        offerId: o.id,
        type: o.type,
        moment,
        rank: offers.length + 1,
        slot: filledHere,
        locale: loc,
        copy,
        price: priced.price,
        lines: o.items.map((it, i) => {
          const line: LineToAdd = {
            action: swap ? "swap" : "add",
            productId: it.productId,
            variantId: it.variantId,
            quantity: priced.qty[i]!,
            listTotal: priced.list[i]!,
            finalTotal: priced.split[i]!,
            attributes: {
              [ATTR.offer]: o.id,
              [ATTR.variant]: variantId ?? "",
              [ATTR.moment]: moment,
              [ATTR.token]: token,
            },
          };
          if (it.sellingPlanId) line.sellingPlanId = it.sellingPlanId;
          if (swap && c.from) line.replacesVariantId = c.from.variantId;
          return line;
        }),
      };
      if (o.experiment && variantId) {
        shown.experimentId = o.experiment.id;
        shown.variantId = variantId;
      }
      if (eff.design) shown.design = eff.design;
      offers.push(shown);
    }
    out.push({ moment, offers, excluded, exposures });
  }
  return { moments: out };
}
