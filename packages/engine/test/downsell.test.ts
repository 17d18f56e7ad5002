import { describe, expect, it } from "vitest";
import { decide, decodePayload, encodePayload, type DecideInput, type MomentId, type Offer } from "../src/index";
import { input, NOW, offer } from "./helpers";

// Linked downsells (decision 027): offer A names B as `downsell`; B shows only after A's decline,
// in A's place at a moment A runs at, before any other offer there.

const A = offer({
  id: "a",
  moments: ["cart", "post_purchase"],
  priority: 50,
  items: [{ productId: "P1", variantId: "V1", quantity: 1, prices: { EUR: 9900 } }],
  downsell: "b",
});
const B = offer({
  id: "b",
  moments: ["cart", "post_purchase"],
  priority: 1,
  items: [{ productId: "P1", variantId: "V2", quantity: 1, prices: { EUR: 4900 } }],
});
/** An unrelated offer ranked above B. */
const C = offer({
  id: "c",
  moments: ["cart", "post_purchase"],
  priority: 10,
  items: [{ productId: "P3", variantId: "V3", quantity: 1, prices: { EUR: 1500 } }],
});

const at = (moment: MomentId, offers: Offer[], journey: DecideInput["journey"], settings = {}) =>
  decide(input(offers, { moments: [moment], journey }, { momentLimits: {}, ...settings })).moments[0]!;
const reason = (m: ReturnType<typeof at>, id: string) => m.excluded.find((e) => e.offerId === id);

describe("linked downsells", () => {
  it("GIVEN A names B and nothing was declined WHEN deciding THEN A shows and B waits: downsell_only, naming A", () => {
    const m = at("cart", [A, B, C], { shown: [] });
    expect(m.offers.map((o) => o.offerId)).toEqual(["a"]);
    expect(reason(m, "b")).toEqual({ offerId: "b", reason: "downsell_only", detail: "a" });
  });

  it("GIVEN A accepted (no decline) WHEN deciding later THEN B never shows", () => {
    const m = at("cart", [A, B, C], { shown: [{ offerId: "a", moment: "cart" }], accepted: ["a"] });
    expect(reason(m, "b")?.reason).toBe("downsell_only");
  });

  it("GIVEN A shown at the cart and declined WHEN the cart decides again THEN B takes A's place (slot 1), before C, which ranks above B", () => {
    const m = at("cart", [A, B, C], { shown: [{ offerId: "a", moment: "cart" }], declined: ["a"] });
    expect(m.offers.map((o) => [o.offerId, o.slot, o.downsellOf])).toEqual([["b", 1, "a"]]);
    expect(reason(m, "a")?.reason).toBe("declined_in_journey");
    // The moment's one place was A's; B holds it, so C does not get a second one.
    expect(reason(m, "c")?.reason).toBe("moment_limit_reached");
  });

  it("GIVEN B shown in A's place WHEN the cart renders again THEN B stays, in the same place, and C still waits", () => {
    const shown = [
      { offerId: "a", moment: "cart" as const },
      { offerId: "b", moment: "cart" as const },
    ];
    const m = at("cart", [A, B, C], { shown, declined: ["a"] });
    expect(m.offers.map((o) => [o.offerId, o.slot])).toEqual([["b", 1]]);
    expect(reason(m, "c")?.reason).toBe("moment_limit_reached");
  });

  it("GIVEN a post-purchase decline of A (the server passes no shown list) WHEN the next offer is decided THEN it is B, not C", () => {
    const m = at("post_purchase", [A, B, C], { declined: ["a"] });
    expect(m.offers.map((o) => o.offerId)).toEqual(["b"]);
    expect(reason(m, "c")?.reason).toBe("lower_priority");
  });

  it("GIVEN A declined but B not eligible here (its product is already in the cart) WHEN deciding THEN B gets its exact reason and the place goes on", () => {
    const cart = {
      lines: [{ productId: "P1", variantId: "V0", quantity: 1, unitPrice: 100 }],
      subtotal: 100,
      currency: "EUR",
    };
    const m = decide(input([A, B, C], { moments: ["post_purchase"], cart, journey: { declined: ["a"] } })).moments[0]!;
    expect(reason(m, "b")).toMatchObject({ reason: "already_in_cart", detail: "P1" });
    expect(m.offers.map((o) => o.offerId)).toEqual(["c"]);
  });

  it("GIVEN A declined at a moment B runs at but A does not WHEN deciding there THEN downsell_only, saying the decline was elsewhere", () => {
    const onlyCart = { ...A, moments: ["cart" as const] };
    const m = at("post_purchase", [onlyCart, B], { declined: ["a"] });
    expect(reason(m, "b")).toEqual({ offerId: "b", reason: "downsell_only", detail: "a declined at another moment" });
  });

  it("GIVEN B does not run at the moment A was declined at WHEN deciding there THEN moment_mismatch", () => {
    const m = at("cart", [A, { ...B, moments: ["thank_you" as const] }], { declined: ["a"] });
    expect(reason(m, "b")?.reason).toBe("moment_mismatch");
  });

  it("GIVEN the merchant's 'a no ends the offers' setting WHEN A is declined THEN B (the answer to that no) still shows, C does not", () => {
    const m = at(
      "post_purchase",
      [A, B, C],
      { declined: ["a"] },
      { afterDecline: "journey", momentLimits: { post_purchase: 2 } },
    );
    expect(m.offers.map((o) => o.offerId)).toEqual(["b"]);
    expect(reason(m, "c")?.reason).toBe("after_decline");
  });

  it("GIVEN a chain A -> B -> D WHEN A then B are declined THEN D shows", () => {
    const D = offer({
      id: "d",
      moments: ["cart"],
      items: [{ productId: "P4", variantId: "V4", quantity: 1, prices: { EUR: 900 } }],
    });
    const m = at("cart", [A, { ...B, downsell: "d" }, D], {
      shown: [
        { offerId: "a", moment: "cart" },
        { offerId: "b", moment: "cart" },
      ],
      declined: ["a", "b"],
    });
    expect(m.offers.map((o) => [o.offerId, o.downsellOf])).toEqual([["d", "b"]]);
  });

  it("GIVEN a cycle A -> B -> A in a payload (the editor refuses one) WHEN deciding THEN neither shows and nothing loops", () => {
    const m = at("cart", [A, { ...B, downsell: "a" }, C], { shown: [] });
    expect(reason(m, "a")?.reason).toBe("downsell_only");
    expect(reason(m, "b")?.reason).toBe("downsell_only");
    expect(m.offers.map((o) => o.offerId)).toEqual(["c"]);
  });

  it("GIVEN an offer naming itself or an offer not published WHEN deciding THEN the link is ignored", () => {
    expect(at("cart", [{ ...A, downsell: "a" }], { shown: [] }).offers.map((o) => o.offerId)).toEqual(["a"]);
    expect(
      at("cart", [{ ...A, downsell: "gone" }, B], { shown: [], declined: ["a"] }).offers.map((o) => o.offerId),
    ).toEqual(["b"]);
  });

  it("GIVEN the link WHEN published and decoded THEN it travels (short key) and decides the same", () => {
    const decoded = decodePayload(encodePayload([A, B], input([]).payload.settings, NOW));
    expect(decoded.ok && decoded.payload.offers.find((o) => o.id === "a")!.downsell).toBe("b");
  });
});
