import {
  ATTR,
  decide,
  decodePayload,
  exponent,
  type CartLine,
  type DecideInput,
  type Device,
  type Exposure,
  type JourneyState,
  type MomentDecision,
  type MomentId,
  type Payload,
  type ShownOffer,
} from "@moments/engine";
import {
  opt,
  valueOf,
  type CartLineChange,
  type Host,
  type HostLine,
  type HostMetafieldEntry,
  type HostMoney,
} from "./host";
import { pinPayload, type ArmPins } from "./pins";

/** The shop metafield the publisher writes (app/publish: namespace `$app`, key `offers`). */
export const PAYLOAD_KEY = "offers";

/** Plain data read from the checkout APIs: what the engine needs about the cart and the buyer. */
export interface Snapshot {
  lines: CartLine[];
  /** Checkout line ids beside `lines` (same order), for swaps. */
  lineIds: string[];
  currency: string;
  subtotal: number;
  country?: string;
  market?: string;
  locale?: string;
  device?: Device;
  returning?: boolean;
}

/** Money from the checkout (a decimal number) to integer minor units, once, at the boundary. */
export const toMinor = (m: HostMoney | undefined): number =>
  m ? Math.round(m.amount * 10 ** exponent(m.currencyCode)) : 0;
export const fromMinor = (amount: number, currency: string): number => amount / 10 ** exponent(currency);

function toCartLine(l: HostLine): CartLine {
  const attributes: Record<string, string> = {};
  for (const a of l.attributes ?? []) if (a.value != null) attributes[a.key] = a.value;
  const product: Partial<NonNullable<HostLine["merchandise"]["product"]>> = l.merchandise.product ?? {};
  const line: CartLine = {
    productId: product.id ?? "",
    variantId: l.merchandise.id,
    quantity: l.quantity,
    unitPrice: Math.round(toMinor(l.cost.totalAmount) / Math.max(1, l.quantity)),
    attributes,
  };
  if (product.vendor) line.vendor = product.vendor;
  if (product.productType) line.productType = product.productType;
  const plan = l.merchandise.sellingPlan?.id;
  if (plan) line.sellingPlanId = plan;
  return line;
}

/** The checkout has no device API: the sandbox's user agent is the only hint there is. */
export function deviceHint(userAgent: string | undefined): Device | undefined {
  if (!userAgent) return undefined;
  return /Mobi|Android|iPhone|iPad/i.test(userAgent) ? "mobile" : "desktop";
}

export function snapshotOf(shopify: Host, userAgent?: string): Snapshot {
  const hostLines = shopify.lines.value ?? [];
  const lines = hostLines.map(toCartLine);
  const sub = valueOf(opt(shopify, "cost")?.subtotalAmount);
  const loc = opt(shopify, "localization") ?? {};
  const snap: Snapshot = {
    lines,
    lineIds: hostLines.map((l) => l.id),
    currency:
      sub?.currencyCode ?? valueOf(loc.currency)?.isoCode ?? hostLines[0]?.cost.totalAmount.currencyCode ?? "USD",
    subtotal: sub ? toMinor(sub) : lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
  };
  const country = valueOf(loc.country)?.isoCode;
  if (country) snap.country = country;
  const market = valueOf(loc.market)?.id;
  if (market) snap.market = market;
  const locale = valueOf(loc.language)?.isoCode;
  if (locale) snap.locale = locale;
  const device = deviceHint(userAgent);
  if (device) snap.device = device;
  const customer = valueOf(opt(shopify, "buyerIdentity")?.customer);
  if (customer && typeof customer.ordersCount === "number") snap.returning = customer.ordersCount > 0;
  return snap;
}

export type PayloadRead = { ok: true; payload: Payload } | { ok: false; problem: string };

let lastRaw: unknown;
let lastRead: PayloadRead | undefined;
/** Decodes the shop's published payload from the app metafields; cached by the raw value. */
export function readPayload(entries: readonly HostMetafieldEntry[] | undefined): PayloadRead {
  const entry = entries?.find(
    (e) =>
      e.metafield.key === PAYLOAD_KEY &&
      (e.metafield.namespace === "$app" || e.metafield.namespace.startsWith("app--")),
  );
  if (!entry) return { ok: false, problem: "payload_missing" };
  const raw = entry.metafield.value;
  if (raw === lastRaw && lastRead) return lastRead;
  const decoded = decodePayload(typeof raw === "string" ? raw : String(raw));
  lastRaw = raw;
  lastRead = decoded.ok
    ? { ok: true, payload: decoded.payload }
    : { ok: false, problem: `payload_invalid:${decoded.error.path}` };
  return lastRead;
}

/**
 * What one placement renders, with the moment's experiment exposures: every placement reports all
 * of them (their event ids are deterministic, so the server keeps one each), whatever it renders.
 */
export type View = { exposures: Exposure[] } & (
  | { kind: "none"; reason: string }
  | { kind: "holdout"; offerId: string; experimentId: string }
  | { kind: "offer"; offer: ShownOffer }
);

export interface ViewInput {
  payload: Payload;
  snapshot: Snapshot;
  moment: MomentId;
  journeyKey: string;
  journey: JourneyState;
  now: number;
  /** Which of the moment's offers this placement shows (1 = the first). */
  slot?: number;
  /** Products just bought (thank-you, order status). */
  purchased?: readonly string[];
  buyerTags?: readonly string[];
  /** Arms this journey was first decided into (decision 030): kept when the weights have moved since. */
  pins?: ArmPins;
}

/** The engine's input for one placement: what the checkout knows, as the engine reads it. */
export function decideInput(v: ViewInput): DecideInput {
  const s = v.snapshot;
  // Unknown facts pass as undefined, which the engine reads as absent.
  return {
    now: v.now,
    moments: [v.moment],
    buyerKey: v.journeyKey,
    cart: { lines: s.lines, subtotal: s.subtotal, currency: s.currency },
    country: s.country,
    market: s.market,
    locale: s.locale,
    device: s.device,
    buyer: { returning: !!s.returning, tags: v.buyerTags },
    purchasedProductIds: v.purchased,
    journey: v.journey,
    payload: pinPayload(v.payload, v.pins),
  };
}

/** What placement `slot` (1 = the first) renders of the moment's decision. */
export function viewOf(md: MomentDecision | undefined, slot?: number): View {
  if (!md) return { kind: "none", reason: "no_decision", exposures: [] };
  const exposures = md.exposures;
  // Placement N renders the moment's place N: its offer, or nothing when that place is held out.
  // Places count held-out offers, so a hold-out never hands its place to the next offer.
  const place = Math.max(1, slot ?? 1);
  const offer = md.offers.find((o) => o.slot === place);
  if (offer) return { kind: "offer", offer, exposures };
  const held = exposures.find((x) => x.slot === place && x.arm === "holdout");
  if (held) return { kind: "holdout", offerId: held.offerId, experimentId: held.experimentId, exposures };
  return { kind: "none", reason: md.excluded[0]?.reason ?? "no_offers", exposures };
}

/** payload -> engine input -> decision -> what this placement renders. Never throws. */
export function decideView(v: ViewInput): View {
  try {
    return viewOf(decide(decideInput(v)).moments[0], v.slot);
  } catch (error) {
    return {
      kind: "none",
      reason: `engine_error:${error instanceof Error ? error.message : String(error)}`,
      exposures: [],
    };
  }
}

const attrList = (a: Record<string, string>) =>
  Object.entries(a)
    .filter(([, value]) => value !== "")
    .map(([key, value]) => ({ key, value }));

/**
 * The cart line changes that accept an offer: one add per item, or for a variant / plan upgrade an
 * update of the line being replaced (the cart's own line of that variant on that selling plan): its
 * merchandise, quantity, attributes and selling plan become the offer's (`updateCartLine` takes
 * `merchandiseId` and `sellingPlanId`, checkout UI extensions 2026-07). The line attributes identify
 * offer, arm and moment; the Discount Function re-checks them before it prices anything.
 */
export function acceptChanges(
  offer: ShownOffer,
  snapshot: Snapshot,
): CartLineChange[] | { error: "line_to_upgrade_missing" } {
  const out: CartLineChange[] = [];
  for (const line of offer.lines) {
    const change: CartLineChange = {
      type: "addCartLine",
      merchandiseId: line.variantId,
      quantity: line.quantity,
      attributes: attrList(line.attributes),
    };
    if (line.action === "swap") {
      const i = snapshot.lines.findIndex((l) => isReplaced(l, line));
      const id = snapshot.lineIds[i];
      if (i < 0 || !id) return { error: "line_to_upgrade_missing" };
      // An upgrade replaces the line in place rather than adding one.
      Object.assign(change, { type: "updateCartLine", id });
    }
    if (line.sellingPlanId) change.sellingPlanId = line.sellingPlanId;
    out.push(change);
  }
  return out;
}

/** Is the cart line the one a swap replaces: the cart's own (not an offer's), same variant and plan? */
export const isReplaced = (l: CartLine, swap: ShownOffer["lines"][number]): boolean =>
  l.variantId === swap.replacesVariantId &&
  (l.sellingPlanId ?? "") === (swap.replacesSellingPlanId ?? "") &&
  !l.attributes?.[ATTR.offer];

/** Can the buyer take this offer here (draft orders and some wallets forbid cart changes)? */
export function canAccept(
  offer: ShownOffer,
  instructions: { lines?: { canAddCartLine?: boolean; canUpdateCartLine?: boolean } } | undefined,
): boolean {
  const lines = instructions?.lines;
  if (!lines) return true;
  const swap = offer.lines.some((l) => l.action === "swap");
  return swap ? lines.canUpdateCartLine !== false : lines.canAddCartLine !== false;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/**
 * Thank-you and order status cannot change the paid order: the buyer gets a link that puts the
 * offer's items, with their offer attributes, into a new cart and goes straight to checkout,
 * where the Discount Function applies the published price. The new cart also carries the journey
 * key as the cart attribute `_moments_journey`, so the second order is credited to the same
 * journey (and arm) as the first.
 *
 * Form: `/cart/add?items[i][...]&attributes[_moments_journey]=<key>&return_to=/checkout`, not the
 * cart permalink `/cart/<variant>:<qty>?attributes[...]`. Shopify's permalink docs take cart
 * attributes but line item properties only for the first product (Base64 JSON) and no selling
 * plans; an offer may be a bundle or a subscription, and every line needs its offer attributes.
 */
export function newCheckoutUrl(storefrontUrl: string, offer: ShownOffer, journeyKey: string): string {
  const q = new URLSearchParams();
  offer.lines.forEach((l, i) => {
    q.append(`items[${i}][id]`, numericId(l.variantId));
    q.append(`items[${i}][quantity]`, String(l.quantity));
    if (l.sellingPlanId) q.append(`items[${i}][selling_plan]`, numericId(l.sellingPlanId));
    for (const { key, value } of attrList(l.attributes)) q.append(`items[${i}][properties][${key}]`, value);
  });
  q.append(`attributes[${ATTR.journey}]`, journeyKey);
  q.append("return_to", "/checkout");
  return `${storefrontUrl.replace(/\/$/, "")}/cart/add?${q.toString()}`;
}

/**
 * Undo for a multi-line accept that failed part way (a bundle whose second line was refused):
 * removes the lines this offer already added, so the buyer is never left with half an offer.
 */
export function rollbackChanges(
  offer: ShownOffer,
  applied: readonly CartLineChange[],
  lines: readonly HostLine[],
): CartLineChange[] {
  const out: CartLineChange[] = [];
  const taken = new Set<string>();
  for (const change of applied) {
    if (change.type !== "addCartLine") continue;
    const l = lines.find(
      (x) =>
        !taken.has(x.id) &&
        x.merchandise.id === change.merchandiseId &&
        (x.attributes ?? []).some((a) => a.key === ATTR.offer && a.value === offer.offerId),
    );
    if (!l) continue;
    taken.add(l.id);
    out.push({ type: "removeCartLine", id: l.id, quantity: change.quantity });
  }
  return out;
}
