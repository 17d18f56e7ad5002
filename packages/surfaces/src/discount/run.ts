import {
  ATTR,
  decodePayload,
  parseMinor,
  formatMinor,
  isSwap,
  offerToken,
  verifyOfferLine,
  type Cart,
  type CartLine,
  type Offer,
  type Payload,
} from "@moments/engine";
import {
  joinShards,
  SHARD_ALIASES,
  type InputLine,
  type Money,
  type ProductDiscountCandidate,
  type RunInput,
  type RunResult,
} from "@moments/contracts";

/** Decimal string from the function input to integer minor units, without floats. */
export function toMinor(m: Money): number {
  // Shopify's Decimal is always a plain decimal; one that is not counts as nothing.
  const minor = parseMinor(m.amount, m.currencyCode);
  return minor === null ? 0 : minor;
}

/** A cart line that meets the offer's trigger (any of products, vendors, tags, collections). */
function triggerStandIn(o: Offer, productId = o.targeting?.products?.[0] ?? "trigger"): CartLine {
  const t = o.targeting ?? {};
  const line: CartLine = { productId, variantId: "trigger", quantity: 1, unitPrice: 0 };
  if (t.vendors?.[0]) line.vendor = t.vendors[0];
  if (t.tags?.[0]) line.tags = [t.tags[0]];
  if (t.collections?.[0]) line.collectionIds = [t.collections[0]];
  return line;
}

/**
 * The paid order's lines as far as a thank-you offer's trigger needs them. A dynamic offer's line is
 * a complement of whichever trigger product the order held (decision 034): a stand-in for each
 * product it targets, or, when it targets none by product, for each trigger of the complement table.
 */
function orderStandIns(o: Offer, payload: Payload): CartLine[] {
  if (o.type !== "dynamic") return [triggerStandIn(o)];
  const products = o.targeting?.products?.length
    ? o.targeting.products
    : (payload.complements ?? []).map((c) => c.productId);
  return products.map((id) => triggerStandIn(o, id));
}

export type LineVerdict =
  { lineId: string; ok: true; discount: number } | { lineId: string; ok: false; reason: string };

const attrs = (l: InputLine): Record<string, string> => {
  const a: Record<string, string> = {};
  if (l.offer?.value) a[ATTR.offer] = l.offer.value;
  if (l.arm?.value) a[ATTR.arm] = l.arm.value;
  if (l.moment?.value) a[ATTR.moment] = l.moment.value;
  if (l.token?.value) a[ATTR.token] = l.token.value;
  return a;
};

function toCartLine(l: InputLine): CartLine | null {
  if (l.merchandise.__typename !== "ProductVariant") return null;
  const line: CartLine = {
    productId: l.merchandise.product.id,
    variantId: l.merchandise.id,
    quantity: l.quantity,
    unitPrice: toMinor(l.cost.amountPerQuantity),
    attributes: attrs(l),
  };
  const product = l.merchandise.product;
  if (product.vendor) line.vendor = product.vendor;
  if (product.productType) line.productType = product.productType;
  // Only the trigger tags and collections the publisher asked about are known; that is all a
  // trigger can need.
  const tags = product.hasTags.filter((t) => t.hasTag).map((t) => t.tag);
  if (tags.length) line.tags = tags;
  const collectionIds = product.inCollections.filter((c) => c.isMember).map((c) => c.collectionId);
  if (collectionIds.length) line.collectionIds = collectionIds;
  if (l.sellingPlanAllocation) line.sellingPlanId = l.sellingPlanAllocation.sellingPlan.id;
  return line;
}

/**
 * The function has no clock; the shop's local date is the finest time it gets. Offers are judged
 * at the start of that date (never before the payload was published): an offer that ended on an
 * earlier day gets nothing. The publisher drops ended offers from the payload, so republishing
 * when an offer ends closes the rest of that day too.
 */
export function functionNow(input: RunInput, payload: Payload): number {
  const day = Date.parse(`${input.shop.localTime.date}T00:00:00Z`);
  return Math.max(payload.publishedAt, Number.isFinite(day) ? day : 0);
}

/** Judges every line that carries an offer attribute; lines without one are not looked at. */
export function verifyLines(input: RunInput): LineVerdict[] {
  const offerLines = input.cart.lines.filter((l) => l.offer?.value);
  if (offerLines.length === 0) return [];
  const no = (lineId: string, reason: string): LineVerdict => ({ lineId, ok: false, reason });
  const joined = joinShards(SHARD_ALIASES.map((alias) => input.shop[alias]?.value));
  const decoded = joined.kind === "json" ? decodePayload(joined.json) : null;
  if (!decoded?.ok)
    return offerLines.map((l) => no(l.id, joined.kind === "missing" ? "payload_missing" : "payload_invalid"));
  const payload = decoded.payload;
  const currency = input.cart.cost.subtotalAmount.currencyCode;
  const lines: CartLine[] = [];
  const byId = new Map<string, CartLine>();
  for (const l of input.cart.lines) {
    const c = toCartLine(l);
    if (!c) continue;
    lines.push(c);
    byId.set(l.id, c);
  }
  const cart: Cart = { lines, subtotal: toMinor(input.cart.cost.subtotalAmount), currency };
  const now = functionNow(input, payload);
  const claimed = new Set<string>();
  return offerLines.map((l): LineVerdict => {
    const line = byId.get(l.id);
    if (!line) return no(l.id, "not_a_variant");
    const a = line.attributes!;
    // The token binds offer, arm and moment together; a line whose parts disagree was edited.
    const token = a[ATTR.token] ?? "";
    const parts = token.split("~");
    if (
      parts.length !== 4 ||
      parts[0] !== a[ATTR.offer] ||
      parts[1] !== (a[ATTR.arm] ?? "") ||
      parts[2] !== a[ATTR.moment]
    ) {
      return no(l.id, "forged_token");
    }
    if (token !== offerToken(parts[0]!, parts[1] || undefined, parts[2]!, parseInt(parts[3]!, 36)))
      return no(l.id, "forged_token");
    const moment = a[ATTR.moment]!;
    const o = payload.offers.find((x) => x.id === a[ATTR.offer]);
    const arm = o?.experiment?.variants.find((v) => v.id === a[ATTR.arm]);
    if (o && !(arm?.moments ?? o.moments).includes(moment as never)) return no(l.id, "moment_mismatch");
    let verifyCart = cart;
    if (o && moment === "thank_you" && !isSwap(o)) {
      // A thank-you offer is taken in a new checkout: its trigger was in the order just paid, which
      // this function cannot see. The trigger is taken as met; a price that depends on the covered
      // line's price cannot be known here, so such offers get nothing.
      if (o.pricing?.of === "line") return no(l.id, "covered_line_unknown");
      verifyCart = { ...cart, lines: [...cart.lines, ...orderStandIns(o, payload)] };
    }
    const v = verifyOfferLine(payload, line, { now, cart: verifyCart });
    if (!v.ok) return no(l.id, v.reason);
    // One discounted line per offer item (a dynamic offer has one item): a second line of the same
    // variant, kept apart from the first by an extra line property, is charged in full.
    const claim = o?.type === "dynamic" ? v.offerId : `${v.offerId} ${line.variantId}`;
    if (claimed.has(claim)) return no(l.id, "duplicate_line");
    claimed.add(claim);
    // Never more than the published discount, and never below the published final price: if the
    // line costs less than the published list price, the buyer still pays the published price
    // or less.
    const actual = toMinor(l.cost.subtotalAmount);
    const discount = Math.max(0, Math.min(v.discount, actual - v.finalTotal));
    return { lineId: l.id, ok: true, discount };
  });
}

export function cartLinesDiscountsGenerateRun(input: RunInput): RunResult {
  if (!input.discount.discountClasses.includes("PRODUCT")) return { operations: [] };
  const currency = input.cart.cost.subtotalAmount.currencyCode;
  const candidates: ProductDiscountCandidate[] = [];
  for (const v of verifyLines(input)) {
    if (!v.ok || v.discount <= 0) continue;
    candidates.push({
      message: "Offer price",
      targets: [{ cartLine: { id: v.lineId } }],
      value: { fixedAmount: { amount: formatMinor(v.discount, currency), appliesToEachItem: false } },
    });
  }
  if (candidates.length === 0) return { operations: [] };
  return { operations: [{ productDiscountsAdd: { selectionStrategy: "ALL", candidates } }] };
}
