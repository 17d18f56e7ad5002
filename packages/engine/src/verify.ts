import {
  ATTR,
  coveredLine,
  eachComplement,
  withComplement,
  effective,
  indexCart,
  isDynamic,
  isSwap,
  prepare,
  priceOffer,
  triggered,
  type Cart,
  type CartLine,
} from "./decide";
import { assign } from "./assign";
import type { Payload } from "./model";

export type VerifyReason =
  | "missing_attributes"
  | "unknown_offer"
  | "inactive"
  | "not_started"
  | "expired"
  | "unknown_variant"
  | "arm_mismatch"
  | "variant_mismatch"
  | "trigger_removed"
  | "no_price_in_currency"
  | "price_mismatch";

export type VerifyResult =
  | {
      ok: true;
      offerId: string;
      armId?: string;
      /** Undiscounted price of this cart line, minor units. */
      listTotal: number;
      /** The published discounted price of this cart line, minor units. */
      finalTotal: number;
      /** What the Discount Function takes off this line (listTotal - finalTotal). */
      discount: number;
    }
  | { ok: false; reason: VerifyReason; detail?: string };

export interface VerifyContext {
  now: number;
  cart: Cart;
  /** When known (post-purchase signer), the buyer must be in the arm the line claims. */
  buyerKey?: string;
  /** The line total the surface displayed/signed; a different published price is rejected. */
  expectedFinalTotal?: number;
}

/**
 * Re-checks a cart line written by a surface (its `_moments_*` attributes) against the published
 * payload and the current cart, and returns the price the buyer must pay for it. Used by the
 * Discount Function and the post-purchase changeset signer; never trusts the attributes' prices.
 */
export function verifyOfferLine(payload: Payload, line: CartLine, ctx: VerifyContext): VerifyResult {
  const no = (reason: VerifyReason, detail?: string): VerifyResult => ({ ok: false, reason, detail });
  const a = line.attributes || {};
  const offerId = a[ATTR.offer];
  if (!offerId) return no("missing_attributes");
  const prepared = prepare(payload);
  let po = prepared.byId.get(offerId);
  if (!po) return no("unknown_offer", offerId);
  let o = po.o;
  if (o.status !== "active") return no("inactive");
  if (o.startsAt !== undefined && ctx.now < o.startsAt) return no("not_started");
  if (o.endsAt !== undefined && ctx.now >= o.endsAt) return no("expired");
  const armId = a[ATTR.arm] || undefined;
  if (o.experiment) {
    if (!armId || !o.experiment.variants.some((v) => v.id === armId)) return no("unknown_variant", armId);
    if (ctx.buyerKey !== undefined) {
      const arm = assign(o.experiment, ctx.buyerKey);
      if (arm.kind !== "variant" || arm.armId !== armId) return no("arm_mismatch");
    }
  } else if (armId) return no("unknown_variant", armId);
  // A dynamic offer's line must be a complement of one of its triggering lines (decision 034); it
  // is then priced as the offer with that complement as its item, as decide priced it.
  if (isDynamic(o)) {
    const dynamic = po;
    eachComplement(prepared.complements, dynamic, ctx.cart.lines, (item) =>
      item.variantId === line.variantId ? !!(po = withComplement(dynamic, item)) : false,
    );
    o = po.o;
  }
  const swap = isSwap(o);
  // The line's selling plan is the item's; a variant upgrade without one kept the line's own plan.
  const idx = o.items.findIndex(
    (it) =>
      it.variantId === line.variantId &&
      (swap && !it.sellingPlanId ? true : (it.sellingPlanId || "") === (line.sellingPlanId || "")),
  );
  if (idx < 0) return no("variant_mismatch", line.variantId);
  const lines = ctx.cart.lines;
  let covered = o.pricing && o.pricing.of === "subtotal" ? ctx.cart.subtotal : 0;
  if (!swap) {
    if (!triggered(po, indexCart(lines))) return no("trigger_removed");
    if (o.pricing && o.pricing.of === "line") {
      const c = coveredLine(po, lines);
      if (!c) return no("trigger_removed");
      covered = c.unitPrice;
    }
  }
  const r = priceOffer(
    o,
    effective(o, armId).discount,
    ctx.cart.currency,
    covered,
    payload.settings,
    swap ? line.quantity : undefined,
  );
  if ("missing" in r) return no("no_price_in_currency", r.missing);
  // Bundles and multi-item offers: the price holds only for the published quantities.
  const listTotal = r.list[idx]!;
  if (!swap && line.quantity !== o.items[idx]!.quantity) {
    return no("price_mismatch", `quantity ${line.quantity} != ${o.items[idx]!.quantity}`);
  }
  const finalTotal = r.split[idx]!;
  if (ctx.expectedFinalTotal !== undefined && ctx.expectedFinalTotal !== finalTotal) {
    return no("price_mismatch", `${ctx.expectedFinalTotal} != ${finalTotal}`);
  }
  const res: VerifyResult = { ok: true, offerId, listTotal, finalTotal, discount: listTotal - finalTotal };
  if (armId) res.armId = armId;
  return res;
}
