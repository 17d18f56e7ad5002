/**
 * The playbook templates (app/offers/templates.ts): every template is a valid offer by the editor's
 * own server-side validation, with the products the demo catalog suggests; "use template" creates
 * exactly one draft offer and its hold-out experiment, for the requesting shop only, through the
 * editor's save path; the experiment starts when the offer goes live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient, Shop } from "@prisma/client";
import { MOMENT_IDS, decodePayload } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { InvalidInput } from "~/lib/errors";
import { loadOfferForm, setOffersStatus, validateOfferForm } from "~/offers/offers.server";
import { suggestPicks, templateForm, TEMPLATE_ARM_NAME, type TemplatePick } from "~/offers/template-form";
import { OFFER_TEMPLATES, type OfferTemplate } from "~/offers/templates";
import {
  createDraftFromTemplate,
  parseTemplateRequest,
  quoteTemplate,
  templateGallery,
} from "~/offers/templates.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { seedInstalledShop } from "./support/fixtures";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: CatalogProduct[];
const NOW = Date.UTC(2026, 11, 2, 9, 0);

beforeAll(async () => {
  db = freshDatabase("offer-templates");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 3, days: 1, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const picksFor = (t: OfferTemplate) => suggestPicks(t, catalog, "EUR");
const titleOf = (p: TemplatePick | null) => p?.title.split(" - ")[0];
const request = (t: OfferTemplate, picks: ReadonlyArray<TemplatePick | null>) => {
  const body = new FormData();
  body.set("templateId", t.id);
  body.set("picks", JSON.stringify(picks));
  return parseTemplateRequest(body);
};
const template = (id: string) => OFFER_TEMPLATES.find((t) => t.id === id)!;

/** Everything of a shop the template could touch. */
async function shopRows(prisma: PrismaClient, shopId: string) {
  return {
    offers: await prisma.offer.findMany({
      where: { shopId },
      include: { moments: true, variants: true },
      orderBy: { id: "asc" },
    }),
    experiments: await prisma.experiment.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    versions: await prisma.experimentVersion.findMany({ where: { shopId } }),
  };
}

describe("the playbook's templates", () => {
  it("GIVEN the guide's moments WHEN the templates are listed THEN each named one is there once, with a decline and a 10% hold-out", () => {
    expect(new Set(OFFER_TEMPLATES.map((t) => t.id)).size).toBe(OFFER_TEMPLATES.length);
    expect(OFFER_TEMPLATES.map((t) => [t.moment, t.type])).toEqual([
      ["exit_intent", "bundle"],
      ["checkout", "bundle"],
      ["checkout", "discount"],
      ["checkout", "bundle"],
      ["information", "variant_upgrade"],
      ["shipping", "shipping_protection"],
      ["payment", "warranty"],
      ["post_purchase", "product"],
    ]);
    for (const t of OFFER_TEMPLATES) {
      expect(MOMENT_IDS).toContain(t.moment);
      expect(t.copy.decline.trim(), t.id).not.toBe("");
      expect(t.holdoutPct, t.id).toBe(10);
      // Copy names no price: the surfaces show it beside the copy, in the buyer's currency.
      expect(`${t.copy.title} ${t.copy.body}`, t.id).not.toMatch(/[€$£]|\d+[.,]\d\d/);
    }
    expect(template("exit-intent-bundle").copy.decline).toBe("No thanks");
    expect(template("mobile-micro-discount").targeting).toEqual({ devices: ["mobile"] });
    expect(template("first-time-intro-bundle").targeting).toEqual({ buyer: "first_time" });
  });

  it("GIVEN the demo catalog WHEN each template suggests its products THEN every slot gets a product that fits the guide's pairing", () => {
    const titles = Object.fromEntries(OFFER_TEMPLATES.map((t) => [t.id, picksFor(t).map(titleOf)]));
    expect(titles).toEqual({
      "exit-intent-bundle": ["Pro 18V Cordless Drill", "Stackable Tool Storage Case"],
      "checkout-bundle": ["Studio ANC Headset", "Premium Braided Audio Cable", "Shipping Insurance"],
      "mobile-micro-discount": ["Premium Braided Audio Cable"],
      "first-time-intro-bundle": ["Guided Onboarding Session", "Planner Pro (monthly plan)"],
      "form-premium-upgrade": ["Alpine Down Parka"],
      "shipping-insurance": ["Shipping Insurance", "Framed Art Print: Harbour at Dawn"],
      "payment-protection-plan": ["Care+ 3-Year Protection Plan", "Aero 14 Laptop"],
      "post-purchase-accessory": ["Studio ANC Headset", "Premium Braided Audio Cable"],
    });
    // The upgrade offers the premium variant, not the one buyers already have.
    expect(picksFor(template("form-premium-upgrade"))[0]!.title).toBe("Alpine Down Parka - M / Premium Gore-Tex");
    // Nothing fits in an empty catalog: the merchant picks.
    expect(suggestPicks(template("payment-protection-plan"), [], "EUR")).toEqual([null, null]);
  });

  it.each(OFFER_TEMPLATES.map((t) => [t.id, t] as const))(
    "GIVEN the template %s with its suggested products WHEN the editor's server-side validation runs THEN it is a valid draft with a 10%% hold-out",
    async (_id, t) => {
      const picks = picksFor(t);
      expect(picks.every(Boolean)).toBe(true);
      const form = templateForm(t, picks as TemplatePick[], { currencies: gateway.currencies, now: NOW });
      const valid = await validateOfferForm(form, "off_template", gateway, ["arm_1"]);
      if (!valid.ok) throw new Error(`${t.id}: ${JSON.stringify(valid.errors)}`);
      expect(valid.offer.status).toBe("draft");
      expect(valid.offer.moments).toEqual([t.moment]);
      expect(valid.offer.type).toBe(t.type);
      expect(valid.offer.copy.en).toEqual(t.copy);
      expect(valid.offer.discount).toEqual(
        t.discountPercent === null ? undefined : { kind: "percent", percent: t.discountPercent },
      );
      expect(valid.holdoutBps).toBe(1000);
      expect(valid.variants).toEqual([{ id: "arm_1", name: TEMPLATE_ARM_NAME, weight: 1, overrides: {} }]);
      const triggers = t.slots.filter((s) => s.role === "trigger").length;
      expect(valid.offer.targeting?.products ?? []).toHaveLength(triggers);
      expect(valid.offer.targeting?.devices).toEqual(t.targeting.devices);
      expect(valid.offer.targeting?.buyer).toEqual(t.targeting.buyer);
      expect(valid.offer.endsAt).toEqual(t.endsAfterDays ? NOW + t.endsAfterDays * 86_400_000 : undefined);
      // Prices come from the catalog in every currency the shop sells in.
      for (const item of valid.offer.items) expect(Object.keys(item.prices).sort()).toEqual(["EUR", "USD"]);
    },
  );

  it("GIVEN the demo shop WHEN the gallery loads THEN it groups the templates by moment in journey order and prices each in EUR, then USD, as the engine does", async () => {
    const gallery = await templateGallery(db.prisma, shop, gateway, NOW);
    expect(gallery.catalogError).toBeNull();
    expect(gallery.currency).toBe("EUR");
    expect(gallery.groups.map((g) => [g.moment, g.templates.length])).toEqual([
      ["exit_intent", 1],
      ["checkout", 3],
      ["information", 1],
      ["shipping", 1],
      ["payment", 1],
      ["post_purchase", 1],
    ]);
    const cards = gallery.groups.flatMap((g) => g.templates);
    // Care+ plan: EUR 149.00 / USD 159.00, no discount. Exit bundle: (129.00 + 39.00) - 15%.
    const plan = cards.find((c) => c.id === "payment-protection-plan")!.quote!;
    expect([plan.card.currency, plan.card.original, plan.card.final, plan.others]).toEqual([
      "EUR",
      14900,
      14900,
      [{ currency: "USD", original: 15900, final: 15900 }],
    ]);
    const exit = cards.find((c) => c.id === "exit-intent-bundle")!.quote!;
    expect([exit.card.original, exit.card.final, exit.card.decline]).toEqual([16800, 14280, "No thanks"]);
    expect(exit.others).toEqual([{ currency: "USD", original: 18100, final: 15385 }]);
  });

  it("GIVEN a changed product WHEN quoted THEN the price follows the catalog; a product picked twice or not in the catalog is refused per slot", async () => {
    const t = template("post-purchase-accessory");
    const [fits] = picksFor(t);
    const case_ = suggestPicks(template("exit-intent-bundle"), catalog, "EUR")[1]!;
    const quoted = await quoteTemplate(db.prisma, shop, gateway, request(t, [fits!, case_]), NOW);
    expect([quoted.quote?.card.original, quoted.quote?.card.final]).toEqual([3900, 3315]);
    const twice = await quoteTemplate(db.prisma, shop, gateway, request(t, [fits!, fits!]), NOW);
    expect(twice.quote).toBeNull();
    expect(twice.errors).toEqual({ "slots.1": "Already picked for “Product it fits”: pick a different product." });
    const foreign = {
      productId: "gid://shopify/Product/1",
      variantId: "gid://shopify/ProductVariant/1",
      title: "Not ours",
    };
    expect((await quoteTemplate(db.prisma, shop, gateway, request(t, [fits!, foreign]), NOW)).errors).toEqual({
      "slots.1": "This product is not in the shop's catalog: pick another.",
    });
  });

  it("GIVEN malformed requests WHEN parsed THEN they are refused with a reason (400), never half-read", () => {
    const body = (templateId: string, picks: string) => {
      const f = new FormData();
      f.set("templateId", templateId);
      f.set("picks", picks);
      return f;
    };
    expect(() => parseTemplateRequest(body("no-such-template", "[]"))).toThrow(InvalidInput);
    expect(() => parseTemplateRequest(body("checkout-bundle", "{"))).toThrow(/JSON/);
    expect(() => parseTemplateRequest(body("checkout-bundle", JSON.stringify([{ productId: 1 }])))).toThrow(
      /Malformed picks/,
    );
    expect(parseTemplateRequest(body("checkout-bundle", "[]")).picks).toEqual([null, null, null]);
  });
});

describe("using a template", () => {
  let other: Shop;
  let offerId = "";

  beforeAll(async () => {
    other = await seedInstalledShop(db.prisma, "templates-other.myshopify.com");
  });

  it("GIVEN two shops WHEN the demo shop uses a template THEN exactly one draft offer and one draft experiment with a 10% hold-out are created, for that shop only, and nothing is published", async () => {
    const before = await shopRows(db.prisma, shop.id);
    const othersBefore = await shopRows(db.prisma, other.id);
    const t = template("payment-protection-plan");
    const result = await createDraftFromTemplate(db.prisma, shop, gateway, request(t, picksFor(t)), NOW);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    offerId = result.id;

    const after = await shopRows(db.prisma, shop.id);
    expect(after.offers).toHaveLength(before.offers.length + 1);
    expect(after.experiments).toHaveLength(before.experiments.length + 1);
    expect(after.versions).toEqual(before.versions);
    const offer = after.offers.find((o) => o.id === offerId)!;
    expect([offer.name, offer.status, offer.type, offer.moments.map((m) => m.moment)]).toEqual([
      t.name,
      "draft",
      "warranty",
      ["payment"],
    ]);
    expect(offer.variants.map((v) => [v.name, v.weight, v.isControl])).toEqual([[TEMPLATE_ARM_NAME, 1, true]]);
    const experiment = after.experiments.find((e) => e.offerId === offerId)!;
    expect([experiment.status, experiment.holdoutBps, experiment.startedAt]).toEqual(["draft", 1000, null]);
    // The other shop: byte for byte the same.
    expect(await shopRows(db.prisma, other.id)).toEqual(othersBefore);

    // Not published: the payload holds active offers only, and this one is a draft.
    const publication = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
    const decoded = decodePayload(publication.payload);
    if (!decoded.ok) throw new Error("payload does not decode");
    expect(decoded.payload.offers.map((o) => o.id)).not.toContain(offerId);

    // The editor opens it as the template wrote it.
    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    expect(form?.copy.en).toEqual(t.copy);
    expect(form?.items.map((i) => i.title)).toEqual(["Care+ 3-Year Protection Plan - 3 years"]);
    expect(form?.targeting.triggerProducts.map((p) => p.title)).toEqual(["Aero 14 Laptop"]);
    expect(form?.experiment).toMatchObject({ enabled: true, holdoutPct: "10" });
  });

  it("GIVEN a slot left empty WHEN the template is used THEN nothing is written and the slot says what to pick", async () => {
    const before = await shopRows(db.prisma, shop.id);
    const t = template("checkout-bundle");
    const [main, first] = picksFor(t);
    const result = await createDraftFromTemplate(db.prisma, shop, gateway, request(t, [main!, first!, null]), NOW);
    expect(result).toEqual({ ok: false, errors: { "slots.2": "Pick the product for “Second extra”." } });
    expect(await shopRows(db.prisma, shop.id)).toEqual(before);
  });

  it("GIVEN the draft WHEN the merchant sets it active THEN its experiment starts then (version 1) and buyers get the 10% hold-out", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "active");
    const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { shopId: shop.id, offerId } });
    expect(experiment.status).toBe("running");
    expect(experiment.startedAt).not.toBeNull();
    const versions = await db.prisma.experimentVersion.findMany({
      where: { shopId: shop.id, experimentId: experiment.id },
    });
    expect(versions.map((v) => [v.version, v.holdoutBps])).toEqual([[1, 1000]]);
    const publication = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
    const decoded = decodePayload(publication.payload);
    if (!decoded.ok) throw new Error("payload does not decode");
    const live = decoded.payload.offers.find((o) => o.id === offerId);
    expect(live?.experiment).toMatchObject({ id: experiment.id, holdoutBps: 1000, version: 1 });
  });
});
