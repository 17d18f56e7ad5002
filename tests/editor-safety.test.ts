/**
 * The price floor as a shop setting and the save it refuses (decision 032), on a real database:
 * the setting's default and bounds, the save path refusing a price below the shop's floor with a
 * field error until the offer is marked a free gift, the choice stored with the offer (and not in
 * the published payload), and the demo offers still saving under the default floor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { DEFAULT_PRICE_FLOOR_PERCENT } from "~/offers/form-floor";
import {
  downsellChoices,
  loadOfferForm,
  saveOfferForm,
  shopPriceFloor,
  validateOfferForm,
} from "~/offers/offers.server";
import { previewOffer } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { getPublishedPayload } from "~/publish/publish.server";
import { loadSettingsForm, saveSettingsForm } from "~/settings/settings.server";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;

beforeAll(async () => {
  db = freshDatabase("editor-safety");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

async function cableForm(percent: string): Promise<OfferForm> {
  const [p] = await gateway.searchProducts("Braided Audio Cable", 1);
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = "Cable";
  form.status = "active";
  form.items = [{ productId: p!.id, variantId: p!.variants[0]!.id, quantity: "1", title: p!.title }];
  form.copy.en!.title = "Add a cable";
  form.discount.percent = percent;
  return form;
}

async function setFloor(value: string) {
  const form = { ...(await loadSettingsForm(db.prisma, shop.id)), priceFloorPercent: value };
  return saveSettingsForm(db.prisma, shop.id, form);
}

describe("the price floor setting", () => {
  it("GIVEN a shop that never set it WHEN read THEN the floor is the default 10%", async () => {
    expect(DEFAULT_PRICE_FLOOR_PERCENT).toBe(10);
    expect((await loadSettingsForm(db.prisma, shop.id)).priceFloorPercent).toBe("10");
    expect(await shopPriceFloor(db.prisma, shop.id)).toBe(10);
  });

  it("GIVEN 100, -1 or 12.5 WHEN saved THEN the field says what is allowed and the floor stays", async () => {
    for (const bad of ["100", "-1", "12.5", "ten"]) {
      const r = await setFloor(bad);
      expect(r).toEqual({ ok: false, errors: { priceFloorPercent: "Enter a whole percentage from 0 to 99." } });
    }
    expect(await shopPriceFloor(db.prisma, shop.id)).toBe(10);
  });

  it("GIVEN a settings page from before the field WHEN it posts without the floor THEN the floor is left as it was", async () => {
    await setFloor("30");
    const { priceFloorPercent: _omitted, ...older } = await loadSettingsForm(db.prisma, shop.id);
    expect(await saveSettingsForm(db.prisma, shop.id, older)).toEqual({ ok: true });
    expect(await shopPriceFloor(db.prisma, shop.id)).toBe(30);
    await setFloor("10");
  });
});

describe("a save below the floor", () => {
  it("GIVEN the demo's offers (seeded first) WHEN each is reopened and validated under the default floor THEN every one still saves", async () => {
    await ensureDemoOffers(db.prisma, shop.id);
    const rows = await db.prisma.offer.findMany({ where: { shopId: shop.id } });
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const { form } = await loadOfferForm(db.prisma, shop, gateway, row.id);
      const choices = await downsellChoices(db.prisma, shop.id, row.id);
      const armIds = form!.experiment.variants.map((v) => v.id);
      const valid = await validateOfferForm(form!, row.id, gateway, armIds, choices, undefined, 10);
      if (!valid.ok) throw new Error(`${row.id}: ${JSON.stringify(valid.errors)}`);
    }
  });

  it("GIVEN 100% off without the free-gift choice WHEN saved THEN refused with the discount field's error, nothing written", async () => {
    const before = await db.prisma.offer.count({ where: { shopId: shop.id } });
    const r = await saveOfferForm(db.prisma, shop, gateway, null, await cableForm("100"));
    expect(r).toEqual({
      ok: false,
      errors: {
        "discount.percent":
          "This gives the products away: buyers pay nothing. Tick “This is a free gift” if that is what you mean, or lower the discount.",
      },
    });
    expect(await db.prisma.offer.count({ where: { shopId: shop.id } })).toBe(before);
  });

  it("GIVEN the shop's floor raised to 40% WHEN 70% off is saved THEN refused naming 40%; at a floor of 30% it saves", async () => {
    expect(await setFloor("40")).toEqual({ ok: true });
    const refused = await saveOfferForm(db.prisma, shop, gateway, null, await cableForm("70"));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors["discount.percent"]).toContain("your price floor (40% of the item's price");
    // The live preview validates with the same floor: the editor shows the error as the merchant types.
    const form = await cableForm("70");
    const preview = await previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: null,
      context: defaultPreviewContext(form, [], ["EUR"]),
      armNames: [],
    });
    expect(preview.errors["discount.percent"]).toContain("your price floor (40%");
    expect(await setFloor("30")).toEqual({ ok: true });
    const saved = await saveOfferForm(db.prisma, shop, gateway, null, await cableForm("70"));
    expect(saved.ok).toBe(true);
    await setFloor("10");
  });

  it("GIVEN 100% off marked a free gift WHEN saved THEN stored with the choice, reopened ticked, published at 100% off without it", async () => {
    const form = { ...(await cableForm("100")), freeGift: true };
    const r = await saveOfferForm(db.prisma, shop, gateway, null, form);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const row = await db.prisma.offer.findFirstOrThrow({ where: { id: r.id, shopId: shop.id } });
    expect(row.freeGift).toBe(true);
    const opened = await loadOfferForm(db.prisma, shop, gateway, r.id);
    expect(opened.form?.freeGift).toBe(true);
    expect(opened.form?.discount.percent).toBe("100");
    const payload = (await getPublishedPayload(db.prisma, shop.id))!;
    const published = payload.offers.find((o) => o.id === r.id)!;
    expect(published.discount).toEqual({ kind: "percent", percent: 100 });
    expect(JSON.stringify(published)).not.toContain("freeGift");
    // Unticked and saved again: refused, and the stored choice is unchanged.
    const again = await saveOfferForm(db.prisma, shop, gateway, r.id, { ...opened.form!, freeGift: false });
    expect(again.ok).toBe(false);
    expect((await db.prisma.offer.findFirstOrThrow({ where: { id: r.id } })).freeGift).toBe(true);
    // Lowered to 20% and unticked: saved, and the choice is stored off.
    const lowered = await saveOfferForm(db.prisma, shop, gateway, r.id, {
      ...opened.form!,
      freeGift: false,
      discount: { ...opened.form!.discount, percent: "20" },
    });
    expect(lowered.ok).toBe(true);
    expect((await db.prisma.offer.findFirstOrThrow({ where: { id: r.id } })).freeGift).toBe(false);
  });
});
