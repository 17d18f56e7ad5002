/**
 * Layouts and product images in the admin (decision 024): the form's layout choice per offer and
 * per variant, the image taken from the catalog (never the form), and designs saved as free text
 * before they were layouts: read as the default layout, published, and named to the merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { joinImage } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { loadOfferForm, saveOfferForm, validateOfferForm } from "~/offers/offers.server";
import { previewOffer } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { getPublishedPayload, offerFromRow, publishShop } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;

beforeAll(async () => {
  db = freshDatabase("designs-admin");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

async function caseForm(): Promise<OfferForm> {
  const [p] = await gateway.searchProducts("Storage Case", 1);
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = "Case";
  form.items = [{ productId: p!.id, variantId: p!.variants[0]!.id, quantity: "1", title: p!.title }];
  form.copy.en!.title = "Keep it all together";
  return form;
}

describe("the offer form: layout and image", () => {
  it("GIVEN a new offer WHEN the form opens THEN the layout is the card, and the card is left out of the saved offer (absent means it)", async () => {
    const form = await caseForm();
    expect(form.design).toBe("card");
    const r = await validateOfferForm(form, "o1", gateway);
    expect(r.ok && r.offer.design).toBeUndefined();
  });

  it("GIVEN the banner layout and a product with an image WHEN validated THEN the offer carries both, the image from the catalog", async () => {
    const form = { ...(await caseForm()), design: "banner" };
    const r = await validateOfferForm(form, "o1", gateway);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.offer.design).toBe("banner");
    expect(joinImage(r.offer.image)).toBe("/demo-products/tool-case.svg");
  });

  it("GIVEN a layout that does not exist WHEN validated THEN the field says to choose one", async () => {
    const r = await validateOfferForm({ ...(await caseForm()), design: "neon" }, "o1", gateway);
    expect(r.ok ? {} : r.errors).toMatchObject({ design: "Choose one of the layouts." });
    const variants = emptyOfferForm(["EUR"]).experiment.variants.map((v, i) => ({
      ...v,
      design: i ? "neon" : "compact",
    }));
    const withArms = { ...(await caseForm()), experiment: { enabled: true, holdoutPct: "10", variants } };
    const arms = await validateOfferForm(withArms, "o1", gateway, ["a", "b"]);
    expect(arms.ok ? {} : arms.errors).toMatchObject({
      "experiment.variants.1.design": "Choose one of the layouts, or the offer's own.",
    });
  });

  it("GIVEN variants with their own layouts WHEN saved THEN the published arms carry them and the preview shows each arm's", async () => {
    const form = await caseForm();
    form.experiment = {
      enabled: true,
      holdoutPct: "0",
      variants: emptyOfferForm(["EUR"]).experiment.variants.map((v, i) => ({ ...v, design: i ? "banner" : "" })),
    };
    const saved = await saveOfferForm(db.prisma, shop, gateway, null, form);
    expect(saved.ok).toBe(true);
    const offer = (await getPublishedPayload(db.prisma, shop.id))!.offers.find((o) => saved.ok && o.id === saved.id)!;
    expect(offer.experiment!.variants.map((v) => v.design)).toEqual([undefined, "banner"]);
    const [p] = await gateway.searchProducts("Drill", 1);
    const carts = [{ value: `${p!.id}|${p!.variants[0]!.id}`, label: "drill" }];
    for (const [arm, design] of [
      ["0", "card"],
      ["1", "banner"],
    ] as const) {
      const context = { ...defaultPreviewContext(form, carts, ["EUR", "USD"]), arm, cartLine: carts[0]!.value };
      // The saved offer itself is left out of the preview's competitors (it is the one being edited).
      const r = await previewOffer(db.prisma, shop, gateway, {
        form,
        offerId: saved.ok ? saved.id : null,
        context,
        armNames: ["A", "B"],
      });
      expect(r.card?.design, `${arm}: ${r.whyNot.join("; ")}`).toBe(design);
      expect(r.card?.image).toBe("/demo-products/tool-case.svg");
    }
  });
});

describe("designs saved as free text, before layouts", () => {
  it("GIVEN an offer whose design and arm design are free text WHEN read, published and opened THEN it shows as the card and the editor names the old designs", async () => {
    const form = await caseForm();
    form.experiment = { enabled: true, holdoutPct: "10", variants: emptyOfferForm(["EUR"]).experiment.variants };
    const saved = await saveOfferForm(db.prisma, shop, gateway, null, form);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    // What an older version of the app stored: free-text designs on the offer and on an arm.
    const row = await db.prisma.offer.findUniqueOrThrow({ where: { id: saved.id }, include: { variants: true } });
    const definition = JSON.parse(row.definition) as Record<string, unknown> & {
      experiment: { variants: Array<Record<string, unknown>> };
    };
    definition.design = "Blue banner";
    definition.experiment.variants[1]!.design = "big & bold";
    await db.prisma.offer.update({ where: { id: row.id }, data: { definition: JSON.stringify(definition) } });
    await db.prisma.offerVariant.update({
      where: { id: row.variants[1]!.id },
      data: { overrides: JSON.stringify({ design: "big & bold" }) },
    });

    const offer = offerFromRow({ ...row, definition: JSON.stringify(definition) });
    expect(offer).not.toBeNull();
    expect(offer!.design).toBeUndefined();
    expect(offer!.experiment!.variants.every((v) => v.design === undefined)).toBe(true);
    expect((await publishShop(db.prisma, shop, gateway)).ok).toBe(true);
    expect((await getPublishedPayload(db.prisma, shop.id))!.offers.map((o) => o.id)).toContain(row.id);

    const loaded = await loadOfferForm(db.prisma, shop, gateway, row.id);
    expect(loaded.form!.design).toBe("card");
    expect(loaded.form!.experiment.variants[1]!.design).toBe("");
    expect(loaded.designNotice).toContain('"Blue banner", "big & bold"');
    expect(loaded.designNotice).toContain('Buyers see it as "Card with image" until you choose a layout and save.');
  });
});
