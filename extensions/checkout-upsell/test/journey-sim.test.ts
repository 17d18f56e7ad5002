import { describe, expect, test } from "vitest";
import { decodePayload } from "@moments/engine";
import { simulateJourney, type Buyer } from "~/demo/journey";
import { NOW, payloadJson } from "./support/fixtures";

const payload = () => {
  const d = decodePayload(payloadJson());
  if (!d.ok) throw new Error(d.error.message);
  return d.payload;
};
const buyer = (b: Partial<Buyer> = {}): Buyer => ({
  cart: ["drill", "parka-m", "print-50", "laptop-16"],
  currency: "EUR",
  country: "DE",
  locale: "en",
  device: "desktop",
  returning: false,
  journeyKey: "demo-buyer-1-0", // in the variant arm of every demo experiment these tests walk
  acceptAll: false,
  ...b,
});

describe("demo buyer journey (same payload, engine and view model as the extension)", () => {
  test("GIVEN a mixed cart WHEN walked through checkout THEN every checkout moment is decided in order", () => {
    const steps = simulateJourney(payload(), buyer(), NOW);
    expect(steps.map((s) => s.moment)).toEqual(["checkout", "information", "shipping", "payment", "thank_you"]);
    expect(steps[0]!.card?.title).toBe("Keep it all together");
    expect(steps[0]!.card?.changes[0]).toMatch(
      /^addCartLine gid:\/\/shopify\/ProductVariant\/\d+ x1 \[_moments_offer=demo-drill-case/,
    );
    expect(steps[0]!.card?.functionCheck[0]).toMatch(/Discount Function takes off €7\.80/);
    expect(steps[1]!.card?.title).toBe("Upgrade to Premium Gore-Tex");
    expect(steps[2]!.card?.title).toBe("Insure your framed print");
  });

  test("GIVEN the journey cap of 3 WHEN a fourth moment would show an offer THEN it explains the cap", () => {
    const steps = simulateJourney(payload(), buyer(), NOW);
    const payment = steps[3]!;
    expect(payment.kind).toBe("none");
    expect(payment.excluded.map((e) => e.reason)).toContain("the journey's offer cap is reached");
  });

  test("GIVEN French WHEN walked THEN copy, buttons and prices are French", () => {
    const steps = simulateJourney(payload(), buyer({ locale: "fr", cart: ["drill"] }), NOW);
    expect(steps[0]!.card).toMatchObject({
      title: "Tout au même endroit",
      cta: "Ajouter à la commande",
      decline: "Non merci",
    });
    expect(steps[0]!.card?.price.replace(/\s/g, " ")).toBe("31,20 €");
  });

  test("GIVEN a headset buyer WHEN the order is placed THEN the thank-you offer is added to the paid order by the app's order edit, priced by the engine", () => {
    const steps = simulateJourney(payload(), buyer({ cart: ["headset-black"], currency: "USD" }), NOW);
    const ty = steps[4]!;
    expect(ty.card?.title).toBe("One more thing for your headset");
    expect(ty.card?.cta).toBe("Add to order");
    expect(ty.card?.link).toBeUndefined();
    expect(ty.card?.functionCheck).toEqual([]);
    expect(ty.card?.changes).toEqual([
      "orderEditBegin on the paid order",
      expect.stringMatching(/^orderEditAddVariant gid:\/\/shopify\/ProductVariant\/\d+ x1$/),
      "orderEditAddLineItemDiscount: $4.04 off, to the offer's $22.86",
      "orderEditCommit (notifyCustomer: true), then orderInvoiceSend for the balance",
    ]);
    // The paid order the edit adds to: the cart at payment.
    expect(ty.order?.map((l) => l.quantity)).toEqual([1]);
  });

  test("GIVEN the merchant chose a new checkout WHEN the order is placed THEN the thank-you offer links to a new checkout carrying the offer", () => {
    const newCheckout = { ...payload(), settings: { ...payload().settings, thankYouAccept: "new_checkout" as const } };
    const steps = simulateJourney(newCheckout, buyer({ cart: ["headset-black"], currency: "USD" }), NOW);
    const ty = steps[4]!;
    expect(ty.card?.cta).toBe("Buy now");
    expect(ty.card?.title).toBe("One more thing for your headset");
    expect(decodeURIComponent(ty.card?.link ?? "")).toContain(
      "items[0][properties][_moments_offer]=demo-headset-cable-ty",
    );
    expect(ty.card?.functionCheck[0]).toMatch(/Discount Function takes off \$4\.04/);
  });

  test("GIVEN several journey keys WHEN the laptop plan runs an experiment THEN arms and the hold-out both occur", () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const s = simulateJourney(payload(), buyer({ cart: ["laptop-16"], journeyKey: `k${i}` }), NOW)[3]!;
      kinds.add(s.kind === "offer" ? `arm:${s.card?.arm}` : s.kind);
    }
    expect(kinds).toEqual(new Set(["arm:full", "arm:minus15", "holdout"]));
  });
});
