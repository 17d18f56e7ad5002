import {
  COMPLEMENTS_PER_TRIGGER,
  MOMENT_IDS,
  type ComplementItem,
  type MomentId,
  type Offer,
  type Payload,
  type Settings,
} from "./model";
import { ATTR, type CartLine, type Excluded, type Reason } from "./decision";

// Step 1 of a decision: indexes built once per payload (cached by identity) and once per cart.

export interface Prepared {
  payload: Payload;
  settings: Settings;
  /** In rank order: priority (higher first), then offer id. */
  offers: PreparedOffer[];
  byId: Map<string, PreparedOffer>;
  /** Per moment: the offers to check there, and those that can never show there. */
  byMoment: Map<string, { scan: PreparedOffer[]; mismatch: Excluded[] }>;
  /** Dynamic offers' complements per trigger product id, best first (decision 034). */
  complements: Map<string, readonly ComplementItem[]>;
}

export interface PreparedOffer {
  /** The offer itself. */
  o: Offer;
  /** Its distinct product ids, in item order. */
  productList: string[];
  moments: Set<string>;
  /** Some experiment arm overrides the moments. */
  armMoments: boolean;
  /** Shared frozen exclusions without detail, by reason (see `exclude`). */
  ex: Partial<Record<Reason, Excluded>>;
  productIds: Set<string>;
  /** Trigger sets: products, collections, tags, vendors (any of). */
  tProducts?: Set<string>;
  tCollections?: Set<string>;
  tTags?: Set<string>;
  tVendors?: Set<string>;
  hasTrigger: boolean;
  countries?: Set<string>;
  markets?: Set<string>;
  currencies?: Set<string>;
  /** Lower-cased. */
  languages?: Set<string>;
  customerTags?: Set<string>;
  excludeCustomerTags?: Set<string>;
  /**
   * The offers that name this one as their `downsell`, in rank order: it shows only after one of
   * them is declined (decision 027). Absent for every other offer.
   */
  parents?: PreparedOffer[];
  /** A dynamic offer: the offer with each complement it has offered as its item, built once. */
  dyn?: Map<ComplementItem, PreparedOffer>;
}

const setOf = <T>(list: readonly T[] | undefined): Set<T> | undefined =>
  list && list.length ? new Set(list) : undefined;
const cache = new WeakMap<Payload, Prepared>();

function prepareOffer(offer: Offer): PreparedOffer {
  const targeting = offer.targeting || {};
  const experiment = offer.experiment;
  const productIds = new Set(offer.items.map((item) => item.productId));
  const prepared: PreparedOffer = {
    o: offer,
    moments: new Set(offer.moments),
    armMoments: !!experiment && experiment.variants.some((variant) => variant.moments),
    ex: {},
    productIds,
    productList: [...productIds],
    tProducts: setOf(targeting.products),
    tCollections: setOf(targeting.collections),
    tTags: setOf(targeting.tags),
    tVendors: setOf(targeting.vendors),
    hasTrigger: false,
    countries: setOf(targeting.countries),
    markets: setOf(targeting.markets),
    currencies: setOf(targeting.currencies),
    languages: setOf(targeting.languages && targeting.languages.map((language) => language.toLowerCase())),
    customerTags: setOf(targeting.customerTags),
    excludeCustomerTags: setOf(targeting.excludeCustomerTags),
  };
  prepared.hasTrigger = !!(prepared.tProducts || prepared.tCollections || prepared.tTags || prepared.tVendors);
  return prepared;
}

const byRank = (a: PreparedOffer, b: PreparedOffer) =>
  b.o.priority - a.o.priority || (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0);

export function prepare(payload: Payload): Prepared {
  const cached = cache.get(payload);
  if (cached) return cached;
  const offers = payload.offers.map(prepareOffer).sort(byRank);
  const byId = new Map(offers.map((entry) => [entry.o.id, entry]));
  // Linked downsells: each named offer learns who names it (an offer naming itself is ignored).
  for (const parent of offers) {
    const child = parent.o.downsell === undefined ? undefined : byId.get(parent.o.downsell);
    if (child && child !== parent) (child.parents || (child.parents = [])).push(parent);
  }
  // Per moment: offers that can never show there whatever the buyer or the time (active, no
  // schedule, moment not targeted by the offer nor by any arm) are excluded up front.
  const byMoment = new Map<string, { scan: PreparedOffer[]; mismatch: Excluded[] }>();
  for (const moment of MOMENT_IDS) {
    const scan: PreparedOffer[] = [];
    const mismatch: Excluded[] = [];
    for (const prepared of offers) {
      const offer = prepared.o;
      const never =
        offer.status === "active" &&
        offer.startsAt === undefined &&
        offer.endsAt === undefined &&
        !prepared.armMoments &&
        !prepared.moments.has(moment);
      if (never) mismatch.push(exclude(prepared, "moment_mismatch"));
      else scan.push(prepared);
    }
    byMoment.set(moment, { scan, mismatch });
  }
  const prepared: Prepared = {
    payload,
    settings: payload.settings,
    offers,
    byId,
    byMoment,
    complements: new Map((payload.complements || []).map((entry) => [entry.productId, entry.items])),
  };
  cache.set(payload, prepared);
  return prepared;
}

/** Exclusions without detail are immutable and shared across decisions (no per-call garbage). */
export function exclude(prepared: PreparedOffer, reason: Reason, detail?: string): Excluded {
  if (detail !== undefined) return { offerId: prepared.o.id, reason, detail };
  return prepared.ex[reason] || (prepared.ex[reason] = Object.freeze({ offerId: prepared.o.id, reason }));
}

// ---------------------------------------------------------------------------------------------
// The cart (shared by decide and verifyOfferLine).

const isOfferLine = (line: CartLine) => !!(line.attributes && line.attributes[ATTR.offer]);

/** Does the cart line trigger the offer (products, collections, tags, vendors: any of)? */
export function lineTriggers(prepared: PreparedOffer, line: CartLine): boolean {
  if (!prepared.hasTrigger) return true;
  const { tProducts, tCollections, tTags, tVendors } = prepared;
  if (tProducts && tProducts.has(line.productId)) return true;
  if (tVendors && line.vendor !== undefined && tVendors.has(line.vendor)) return true;
  if (tCollections && line.collectionIds) for (const id of line.collectionIds) if (tCollections.has(id)) return true;
  if (tTags && line.tags) for (const tag of line.tags) if (tTags.has(tag)) return true;
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

const addTo = (map: Map<string, CartLine[]>, key: string, line: CartLine) => {
  const lines = map.get(key);
  if (lines) lines.push(line);
  else map.set(key, [line]);
};

/** What the cart's own lines (not lines added by offers) carry, for trigger tests. */
export function indexCart(lines: readonly CartLine[]): CartIndex {
  const index: CartIndex = {
    products: new Set(),
    collections: new Set(),
    tags: new Set(),
    vendors: new Set(),
    byProduct: new Map(),
    byVariant: new Map(),
  };
  for (const line of lines) {
    addTo(index.byProduct, line.productId, line);
    addTo(index.byVariant, line.variantId, line);
    if (isOfferLine(line)) continue;
    index.products.add(line.productId);
    if (line.vendor !== undefined) index.vendors.add(line.vendor);
    if (line.collectionIds) for (const id of line.collectionIds) index.collections.add(id);
    if (line.tags) for (const tag of line.tags) index.tags.add(tag);
  }
  return index;
}

const anyIn = (wanted: Set<string> | undefined, present: Set<string>) => {
  if (wanted) for (const x of wanted) if (present.has(x)) return true;
  return false;
};

/** Is the offer triggered by the cart (products, collections, tags, vendors: any of)? */
export const triggered = (prepared: PreparedOffer, index: CartIndex): boolean =>
  !prepared.hasTrigger ||
  anyIn(prepared.tProducts, index.products) ||
  anyIn(prepared.tCollections, index.collections) ||
  anyIn(prepared.tTags, index.tags) ||
  anyIn(prepared.tVendors, index.vendors);

/** The cart's own lines (no offer lines), most expensive first, ties in cart order. */
export const linesByPriceDesc = (lines: readonly CartLine[]): CartLine[] =>
  lines.filter((line) => !isOfferLine(line)).sort((a, b) => b.unitPrice - a.unitPrice);

/**
 * The most expensive triggering non-offer line (the line a warranty covers). Given the lines
 * from `linesByPriceDesc`, the first triggering one is the answer: a decision with many
 * warranties sorts once instead of scanning the cart per offer.
 */
export function coveredLine(
  prepared: PreparedOffer,
  lines: readonly CartLine[],
  byPriceDesc?: readonly CartLine[],
): CartLine | undefined {
  if (byPriceDesc) {
    for (const line of byPriceDesc)
      if (!prepared.productIds.has(line.productId) && lineTriggers(prepared, line)) return line;
    return undefined;
  }
  let best: CartLine | undefined;
  for (const line of lines) {
    if (isOfferLine(line) || prepared.productIds.has(line.productId) || !lineTriggers(prepared, line)) continue;
    if (!best || line.unitPrice > best.unitPrice) best = line;
  }
  return best;
}

/** Swap offers replace an existing cart line instead of adding one (with no item, there is nothing to swap to). */
export const isSwap = (offer: Offer) =>
  (offer.type === "variant_upgrade" || offer.type === "subscription_upgrade") && offer.items.length > 0;

/** Its item chosen per cart (decision 034): a dynamic offer, or any offer without items. */
export const isDynamic = (offer: Offer) => offer.type === "dynamic" || !offer.items.length;

/** Can the offer take a place at `moment`: its own moments, or an experiment arm's? */
export function runsAt(prepared: PreparedOffer, moment: MomentId): boolean {
  if (prepared.moments.has(moment)) return true;
  const experiment = prepared.o.experiment;
  if (prepared.armMoments && experiment)
    for (const variant of experiment.variants) if (variant.moments && variant.moments.includes(moment)) return true;
  return false;
}

/** Is the cart line already what the swap offer makes of it (its variant, on its plan if it names one)? */
const isTarget = (offer: Offer, line: CartLine) => {
  const item = offer.items[0]!;
  return line.variantId === item.variantId && (!item.sellingPlanId || line.sellingPlanId === item.sellingPlanId);
};

/**
 * The cart line a swap offer replaces (variant upgrade, subscription / plan upgrade: one mechanism),
 * or why there is none. The offer's first item is the target: its variant, on its selling plan when
 * it names one (else the line keeps its own plan). The line to swap is a triggering line of the
 * cart's own (not added by an offer), of the target's product, that is not the target yet; an
 * upgrade never swaps a line for a variant listed below the line's unit price (no downgrade). The
 * target already in the cart (an accepted swap included) is `already_in_cart`; no line to swap is
 * `trigger_not_in_cart`, detailed.
 */
export function swapSource(prepared: PreparedOffer, index: CartIndex, currency: string): CartLine | Excluded {
  const item = prepared.o.items[0]!;
  const lines = index.byProduct.get(item.productId) || [];
  for (const line of lines) if (isTarget(prepared.o, line)) return exclude(prepared, "already_in_cart", item.variantId);
  const price = item.prices[currency];
  let pricier = "";
  for (const line of lines) {
    if (isOfferLine(line) || !lineTriggers(prepared, line)) continue;
    if (line.variantId !== item.variantId && price !== undefined && line.unitPrice > price)
      pricier = ": " + line.variantId + " costs more than the upgrade";
    else return line;
  }
  return exclude(prepared, "trigger_not_in_cart", "no line to upgrade" + pricier);
}

// ---------------------------------------------------------------------------------------------
// Dynamic offers (decision 034): the item is chosen per cart from the complement table.

/**
 * The dynamic offer with `item` as its one item (quantity 1) and the item's image: from here on it
 * is checked, priced and shown as any offer. Built once per (offer, complement) and kept, so a
 * decision makes no garbage for it.
 */
export function withComplement(prepared: PreparedOffer, item: ComplementItem): PreparedOffer {
  const dyn = prepared.dyn || (prepared.dyn = new Map());
  let entry = dyn.get(item);
  if (!entry) {
    const { productId, variantId, prices } = item;
    const o = Object.assign({}, prepared.o, {
      items: [{ productId, variantId, quantity: 1, prices }],
      image: item.image,
    });
    entry = Object.assign({}, prepared, { o, productIds: new Set([productId]), productList: [productId] });
    dyn.set(item, entry);
  }
  return entry;
}

/**
 * The complements a dynamic offer can choose from for these cart lines: the complement lists of
 * its triggering lines (the cart's own, not lines added by offers) in the order given, one rank
 * at a time (every line's best first, then every line's second...). `visit` returns true to stop.
 */
export function eachComplement(
  table: Map<string, readonly ComplementItem[]>,
  prepared: PreparedOffer,
  lines: readonly CartLine[],
  visit: (item: ComplementItem) => boolean | void,
): void {
  for (let rank = 0; rank < COMPLEMENTS_PER_TRIGGER; rank++)
    for (const line of lines) {
      const list = !isOfferLine(line) && lineTriggers(prepared, line) && table.get(line.productId);
      if (list && list[rank] && visit(list[rank]!)) return;
    }
}
