import { describe, expect, it } from "vitest";
import { decide, verifyOfferLine, type CartLine, type DecideInput, type MomentId, type Offer } from "../src/index";
import { input, NOW, offer, payloadOf } from "./helpers";

// Swap offers (decision 027): a variant upgrade and a subscription / plan upgrade are one mechanism,
// a cart line of the target's product switched to the target's variant and/or selling plan.

const PLAN = "gid://shopify/SellingPlan/1";
/** The demo's shape: one product, Basic and Pro variants, both sold on the monthly plan. */
const basic = (over: Partial<CartLine> = {}): CartLine => ({
  productId: "SAAS",
  variantId: "BASIC",
  quantity: 1,
  unitPrice: 1900,
  sellingPlanId: PLAN,
  ...over,
});
const planUpgrade = (over: Partial<Offer> = {}): Offer =>
  offer({
    id: "pro",
    type: "subscription_upgrade",
    moments: ["payment"],
    items: [{ productId: "SAAS", variantId: "PRO", quantity: 1, prices: { EUR: 4900 }, sellingPlanId: PLAN }],
    discount: { kind: "percent", percent: 20 },
    targeting: { products: ["SAAS"] },
    ...over,
  });
const at = (moment: MomentId, offers: Offer[], lines: CartLine[], over: Partial<DecideInput> = {}) =>
  decide(input(offers, { moments: [moment], cart: cartOf(lines), ...over })).moments[0]!;
const cartOf = (lines: CartLine[]) => ({
  lines,
  subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
  currency: "EUR",
});
const reasonOf = (m: ReturnType<typeof at>, id: string) => m.excluded.find((e) => e.offerId === id);

describe("swap offers: plan and variant upgrades", () => {
  it("GIVEN Basic on the monthly plan in the cart WHEN deciding the Pro plan upgrade THEN it shows, swapping the Basic line to Pro on the plan, priced at Pro's price less the discount", () => {
    const m = at("payment", [planUpgrade()], [basic({ quantity: 2 })]);
    const shown = m.offers[0]!;
    expect(shown.offerId).toBe("pro");
    // The plan's price (not the difference): 2 x 49.00, 20% off.
    expect(shown.price).toEqual({ currency: "EUR", original: 9800, final: 7840, savings: 1960 });
    expect(shown.lines).toEqual([
      expect.objectContaining({
        action: "swap",
        productId: "SAAS",
        variantId: "PRO",
        sellingPlanId: PLAN,
        quantity: 2,
        replacesVariantId: "BASIC",
        replacesSellingPlanId: PLAN,
        listTotal: 9800,
        finalTotal: 7840,
      }),
    ]);
  });

  it("GIVEN Pro already in the cart WHEN deciding the Pro plan upgrade THEN already_in_cart (the other direction is no upgrade)", () => {
    const m = at("payment", [planUpgrade()], [basic({ variantId: "PRO", unitPrice: 4900 })]);
    expect(m.offers).toEqual([]);
    expect(reasonOf(m, "pro")).toMatchObject({ reason: "already_in_cart", detail: "PRO" });
  });

  it("GIVEN a pricier variant in the cart (Team) WHEN deciding the Pro upgrade THEN it is never swapped down: trigger_not_in_cart, saying why", () => {
    const m = at("payment", [planUpgrade()], [basic({ variantId: "TEAM", unitPrice: 9900 })]);
    expect(reasonOf(m, "pro")).toEqual({
      offerId: "pro",
      reason: "trigger_not_in_cart",
      detail: "no line to upgrade: TEAM costs more than the upgrade",
    });
  });

  it("GIVEN Basic bought once (no plan) WHEN deciding a subscription offer of Basic on the plan THEN the line is switched to the plan; on the plan already, already_in_cart", () => {
    const subscribe = planUpgrade({
      id: "subscribe",
      items: [{ productId: "SAAS", variantId: "BASIC", quantity: 1, prices: { EUR: 1900 }, sellingPlanId: PLAN }],
      discount: undefined,
    });
    const oneTime = basic({ sellingPlanId: undefined });
    expect(at("payment", [subscribe], [oneTime]).offers[0]!.lines[0]).toMatchObject({
      action: "swap",
      variantId: "BASIC",
      sellingPlanId: PLAN,
      replacesVariantId: "BASIC",
    });
    expect(at("payment", [subscribe], [oneTime]).offers[0]!.lines[0]!.replacesSellingPlanId).toBeUndefined();
    expect(reasonOf(at("payment", [subscribe], [basic()]), "subscribe")?.reason).toBe("already_in_cart");
  });

  it("GIVEN a variant upgrade naming no plan and a line on a plan WHEN shown THEN the swapped line keeps the line's plan", () => {
    const up = planUpgrade({
      type: "variant_upgrade",
      items: [{ productId: "SAAS", variantId: "PRO", quantity: 1, prices: { EUR: 4900 } }],
    });
    expect(at("payment", [up], [basic()]).offers[0]!.lines[0]).toMatchObject({
      variantId: "PRO",
      sellingPlanId: PLAN,
      replacesVariantId: "BASIC",
    });
  });

  it("GIVEN a line of another product WHEN deciding the upgrade THEN trigger_not_in_cart: a swap replaces a line of the target's product", () => {
    const up = planUpgrade({ targeting: undefined });
    const m = at("payment", [up], [basic({ productId: "OTHER", variantId: "O1" })]);
    expect(reasonOf(m, "pro")).toMatchObject({ reason: "trigger_not_in_cart", detail: "no line to upgrade" });
  });

  it.each(["post_purchase", "thank_you", "email"] as const)(
    "GIVEN a plan upgrade at %s (after payment) WHEN deciding THEN swap_unavailable",
    (moment) => {
      const m = at(moment, [planUpgrade({ moments: [moment] })], [basic()]);
      expect(m.offers).toEqual([]);
      expect(reasonOf(m, "pro")).toEqual({ offerId: "pro", reason: "swap_unavailable" });
    },
  );

  it("GIVEN the plan upgrade accepted (the Pro line carries the offer's attributes) WHEN verified and decided again THEN the Discount Function takes the discount off, and the offer is already in the cart", () => {
    const payload = payloadOf([planUpgrade()]);
    const shown = at("payment", [planUpgrade()], [basic()]).offers[0]!;
    const l = shown.lines[0]!;
    const swapped: CartLine = {
      productId: l.productId,
      variantId: l.variantId,
      sellingPlanId: l.sellingPlanId,
      quantity: l.quantity,
      unitPrice: 4900,
      attributes: l.attributes,
    };
    const ctx = { now: NOW, cart: cartOf([swapped]) };
    expect(verifyOfferLine(payload, swapped, ctx)).toEqual({
      ok: true,
      offerId: "pro",
      listTotal: 4900,
      finalTotal: 3920,
      discount: 980,
    });
    // On another plan than the offer's, the function does not price it.
    expect(verifyOfferLine(payload, { ...swapped, sellingPlanId: "gid://shopify/SellingPlan/2" }, ctx)).toMatchObject({
      ok: false,
      reason: "variant_mismatch",
    });
    expect(reasonOf(at("payment", [planUpgrade()], [swapped]), "pro")?.reason).toBe("already_in_cart");
  });

  it("GIVEN a variant upgrade that kept the line's plan WHEN its line is verified THEN the plan is not held against it", () => {
    const up = planUpgrade({
      type: "variant_upgrade",
      items: [{ productId: "SAAS", variantId: "PRO", quantity: 1, prices: { EUR: 4900 } }],
    });
    const l = at("payment", [up], [basic()]).offers[0]!.lines[0]!;
    const swapped: CartLine = { ...basic(), variantId: "PRO", unitPrice: 4900, attributes: l.attributes };
    expect(verifyOfferLine(payloadOf([up]), swapped, { now: NOW, cart: cartOf([swapped]) })).toMatchObject({
      ok: true,
      finalTotal: 3920,
    });
  });
});
