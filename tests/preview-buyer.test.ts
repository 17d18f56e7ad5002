/**
 * The live preview's sample buyer beyond the cart line (issue 15): first-time or returning, and the
 * cart's total, fed to the engine so segment and cart-value rules can be previewed, with the exact
 * reason when the offer is not shown. In-process on a real SQLite database with the demo store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { previewOffer } from "~/preview/preview.server";
import { defaultPreviewContext, previewContextSchema, type PreviewContext } from "~/preview/context";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: Awaited<ReturnType<ShopGateway["searchProducts"]>>;

beforeAll(async () => {
  db = freshDatabase("preview-buyer");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const variantOf = (title: string) => {
  const p = catalog.find((x) => x.title.includes(title))!;
  return { p, v: p.variants[0]! };
};

/** A storage case offered at checkout to whoever has the laptop in the cart, with `patch` on top. */
function caseOffer(patch: (f: OfferForm) => void): OfferForm {
  const { p, v } = variantOf("Storage Case");
  const laptop = variantOf("Laptop").p;
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = "Case for the laptop";
  form.priority = "1000";
  form.items = [{ productId: p.id, variantId: v.id, quantity: "1", title: p.title }];
  form.copy.en!.title = "Keep it safe";
  form.targeting.triggerProducts = [{ productId: laptop.id, title: laptop.title }];
  patch(form);
  return form;
}

const laptopCart = () => {
  const { p, v } = variantOf("Laptop");
  return `${p.id}|${v.id}`;
};

const preview = (form: OfferForm, context: Partial<PreviewContext>) =>
  previewOffer(db.prisma, shop, gateway, {
    form,
    offerId: null,
    context: { ...defaultPreviewContext(form, [{ value: laptopCart() }], ["EUR", "USD"]), currency: "EUR", ...context },
    armNames: [],
  });

describe("a returning-only offer in the live preview", () => {
  const returningOnly = () => caseOffer((f) => (f.targeting.buyer = "returning"));

  it("GIVEN a returning buyer WHEN previewed THEN the offer is shown with its price", async () => {
    const r = await preview(returningOnly(), { buyer: "returning" });
    expect(r.whyNot).toEqual([]);
    expect(r.card).toMatchObject({ title: "Keep it safe", currency: "EUR" });
  });

  it("GIVEN a first-time buyer WHEN previewed THEN it is not shown, with the exact reason", async () => {
    const r = await preview(returningOnly(), { buyer: "first_time" });
    expect(r.card).toBeNull();
    expect(r.whyNot).toEqual(["The offer is for returning buyers only, and this buyer is buying for the first time."]);
  });

  it("GIVEN the editor opening a returning-only offer THEN its preview starts with a returning buyer (shown at once)", () => {
    expect(defaultPreviewContext(returningOnly(), [], ["EUR"]).buyer).toBe("returning");
    expect(
      defaultPreviewContext(
        caseOffer(() => {}),
        [],
        ["EUR"],
      ).buyer,
    ).toBe("first_time");
  });

  it("GIVEN a first-time-only offer WHEN previewed for a returning buyer THEN the reason names the other kind", async () => {
    const r = await preview(
      caseOffer((f) => (f.targeting.buyer = "first_time")),
      { buyer: "returning" },
    );
    expect(r.card).toBeNull();
    expect(r.whyNot).toEqual(["The offer is for first-time buyers only, and this buyer has bought before."]);
    expect(
      (
        await preview(
          caseOffer((f) => (f.targeting.buyer = "first_time")),
          { buyer: "first_time" },
        )
      ).card,
    ).not.toBeNull();
  });
});

describe("the cart total in the live preview", () => {
  const fromHundred = () => caseOffer((f) => (f.targeting.minSubtotal = { EUR: "100", USD: "" }));
  const laptopPrice = () => variantOf("Laptop").v.prices.EUR!;

  it("GIVEN an offer from 100 EUR WHEN the cart total is 49.90 THEN it is not shown, naming the total and the minimum", async () => {
    const r = await preview(fromHundred(), { cartTotal: "49.90" });
    expect(r.card).toBeNull();
    expect(r.whyNot).toEqual(["The cart total, €49.90, is below the offer's minimum of €100.00."]);
    expect(r.cartLabel).toMatch(/, cart total €49\.90$/);
  });

  it("GIVEN the same offer WHEN the cart total is 150 (or 100,00) THEN it is shown", async () => {
    expect((await preview(fromHundred(), { cartTotal: "150" })).card).toMatchObject({ title: "Keep it safe" });
    expect((await preview(fromHundred(), { cartTotal: "100,00" })).card).toMatchObject({ title: "Keep it safe" });
  });

  it("GIVEN no cart total WHEN previewed THEN the sample line's own price is the total", async () => {
    // The laptop alone is above 100 EUR in the demo catalog: shown, and nothing is said about a total.
    expect(laptopPrice()).toBeGreaterThan(10000);
    const r = await preview(fromHundred(), { cartTotal: "" });
    expect(r.card).not.toBeNull();
    expect(r.cartLabel).not.toContain("cart total");
  });

  it("GIVEN a cart total that is not an amount in EUR WHEN previewed THEN the preview says so instead of guessing", async () => {
    for (const typed of ["12,3,4", "ten", "1.999"]) {
      const r = await preview(fromHundred(), { cartTotal: typed });
      expect(r.card, typed).toBeNull();
      expect(r.whyNot, typed).toEqual([
        "The sample cart total is not an amount in EUR: type it like 49.90, or leave it empty.",
      ]);
    }
  });
});

describe("the preview request's sample buyer (one schema for the browser and the server)", () => {
  it("GIVEN what the editor sends WHEN read THEN every control arrives as typed", () => {
    const sent = {
      moment: "payment",
      cartLine: "p|v",
      device: "mobile",
      country: "FR",
      currency: "USD",
      locale: "fr",
      arm: "holdout",
      buyer: "returning",
      cartTotal: "49.90",
    };
    expect(previewContextSchema.parse(sent)).toEqual(sent);
  });

  it("GIVEN a request from an older page or a tampered one WHEN read THEN missing or unknown values are the defaults", () => {
    expect(previewContextSchema.parse({ buyer: "vip", device: "fridge", country: "germany", arm: "<x>" })).toEqual({
      moment: undefined,
      cartLine: "",
      device: "desktop",
      country: "US",
      currency: undefined,
      locale: "en",
      arm: "assigned",
      buyer: "first_time",
      cartTotal: "",
    });
  });
});
