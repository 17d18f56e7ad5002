/**
 * Offers triggered by collections, from the admin's side: the form keeps them, the gateways list
 * the shop's collections as GIDs (the demo store's products carry the same GIDs), the live preview
 * and the demo journey decide with them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { decodePayload, encodePayload, OfferSchema, type Offer, type Payload } from "@moments/engine";
import { DEMO_CATALOG, DEMO_COLLECTIONS, demoCollectionGid, demoCollectionId } from "~/demo/catalog";
import { simulateJourney } from "~/demo/journey";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import { COLLECTIONS_QUERY } from "~/gateway/admin-documents";
import { shopifyGateway } from "~/gateway/shopify.server";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { emptyOfferForm, formToOffer, offerToForm, type OfferForm } from "~/offers/form";
import { parseOfferFormJson } from "~/offers/offers.server";
import { previewOffer } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { freshDatabase, type TestDatabase } from "./support/db";
import { refusalResponse } from "~/lib/errors";

const TOOLS = demoCollectionGid("tools");

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: CatalogProduct[];

beforeAll(async () => {
  db = freshDatabase("trigger-collections");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const product = (title: string) => catalog.find((p) => p.title.includes(title))!;
const cartOf = (title: string) => `${product(title).id}|${product(title).variants[0]!.id}`;

/** The tool case, offered whenever something from the given collections is in the cart. */
function caseByCollection(collections: string[]): OfferForm {
  const form = emptyOfferForm(["EUR", "USD"]);
  const p = product("Storage Case");
  form.name = "Case for tool buyers";
  form.priority = "900";
  form.items = [{ productId: p.id, variantId: p.variants[0]!.id, quantity: "1", title: p.title }];
  form.copy.en!.title = "Keep your tools together";
  form.targeting.collections = collections;
  return form;
}
const prices = () => Object.fromEntries(catalog.flatMap((p) => p.variants.map((v) => [v.id, v.prices])));

describe("the offer form's trigger collections", () => {
  it("GIVEN a form with trigger collections WHEN mapped to the engine offer and back THEN the collections survive, unknown ids too", () => {
    const unknown = "gid://shopify/Collection/424242";
    const mapped = formToOffer(caseByCollection([TOOLS, unknown]), "o1", prices(), []);
    expect(mapped.errors).toEqual({});
    expect(OfferSchema.safeParse(mapped.offer).success).toBe(true);
    expect(mapped.offer!.targeting).toEqual({ collections: [TOOLS, unknown] });
    const back = offerToForm(mapped.offer!, { name: "Case for tool buyers", currencies: ["EUR", "USD"], titles: {} });
    expect(back.targeting.collections).toEqual([TOOLS, unknown]);
  });

  it("GIVEN no trigger collections WHEN mapped THEN the offer has no collection targeting", () => {
    const mapped = formToOffer(caseByCollection([]), "o1", prices(), []);
    expect(mapped.offer!.targeting).toBeUndefined();
  });

  it("GIVEN more collections than the engine allows WHEN mapped THEN the field says so and there is no offer", () => {
    const many = Array.from({ length: 101 }, (_, i) => `gid://shopify/Collection/${i + 1}`);
    const mapped = formToOffer(caseByCollection(many), "o1", prices(), []);
    expect(mapped.offer).toBeNull();
    expect(mapped.errors["targeting.collections"]).toBe("Trigger on at most 100 collections.");
  });

  it("GIVEN a posted form WHEN read on the server THEN its trigger collections pass the shape check", () => {
    expect(parseOfferFormJson(JSON.stringify(caseByCollection([TOOLS]))).targeting.collections).toEqual([TOOLS]);
  });

  it("GIVEN a posted form from a page without the field WHEN read THEN it triggers on no collection", () => {
    const form: Partial<OfferForm["targeting"]> = { ...caseByCollection([]).targeting };
    delete form.collections;
    expect(parseOfferFormJson(JSON.stringify({ ...caseByCollection([]), targeting: form })).targeting.collections).toEqual([]);
  });

  it("GIVEN trigger collections that are not a list of ids WHEN read THEN a 400 names the field", async () => {
    const bad = JSON.stringify({ ...caseByCollection([]), targeting: { ...caseByCollection([]).targeting, collections: [1] } });
    let thrown: unknown;
    try {
      parseOfferFormJson(bad);
    } catch (e) {
      thrown = e;
    }
    const answer = refusalResponse(thrown);
    expect(answer?.status).toBe(400);
    expect(await answer!.text()).toContain("targeting.collections");
  });
});

describe("the demo store's collections", () => {
  it("GIVEN the demo gateway WHEN collections are listed THEN each demo collection comes as a GID with its title", async () => {
    const listed = await gateway.listCollections();
    expect(listed).toHaveLength(DEMO_COLLECTIONS.length);
    for (const c of listed) expect(c.id).toMatch(/^gid:\/\/shopify\/Collection\/\d+$/);
    expect(listed).toContainEqual({ id: TOOLS, title: "Tools" });
    expect(new Set(listed.map((c) => c.id)).size).toBe(listed.length);
  });

  it("GIVEN a search WHEN collections are listed THEN only matching titles come back", async () => {
    expect(await gateway.listCollections("too")).toEqual([{ id: TOOLS, title: "Tools" }]);
  });

  it("GIVEN the seeded demo store WHEN its products are read THEN their collections are GIDs the picker lists", async () => {
    const listed = new Set((await gateway.listCollections()).map((c) => c.id));
    for (const p of catalog) {
      expect(p.collections.length).toBeGreaterThan(0);
      for (const c of p.collections) expect(listed.has(c), `${p.title}: ${c}`).toBe(true);
    }
    expect(product("Cordless Drill").collections).toEqual([TOOLS]);
  });

  it("GIVEN a demo store seeded before collections had GIDs WHEN read THEN its handles come out as the same GIDs", async () => {
    const drill = product("Cordless Drill");
    await db.prisma.demoProduct.update({ where: { id: drill.id }, data: { collections: "tools" } });
    try {
      expect((await gateway.getProducts([drill.id]))[0]!.collections).toEqual([TOOLS]);
    } finally {
      await db.prisma.demoProduct.update({ where: { id: drill.id }, data: { collections: TOOLS } });
    }
    expect(demoCollectionId("gid://shopify/Collection/7")).toBe("gid://shopify/Collection/7");
  });

  it("GIVEN the demo catalog WHEN its GIDs are made THEN they are stable numbers (offers keep their trigger across reseeds)", () => {
    expect(demoCollectionGid("outerwear")).toBe("gid://shopify/Collection/9100000001");
    expect(TOOLS).toBe("gid://shopify/Collection/9100000005");
    for (const p of DEMO_CATALOG) for (const c of p.collections) expect(DEMO_COLLECTIONS.some((d) => d.handle === c)).toBe(true);
  });
});

describe("the real gateway's collections", () => {
  it("GIVEN the Admin API WHEN collections are listed with a search THEN the query carries it and the answer maps to id and title", async () => {
    const calls: Array<{ query: string; variables?: Record<string, unknown> }> = [];
    const admin = {
      async graphql(query: string, options?: { variables?: Record<string, unknown> }) {
        calls.push({ query, ...(options?.variables ? { variables: options.variables } : {}) });
        return Response.json({
          data: { collections: { nodes: [{ id: "gid://shopify/Collection/11", title: "Summer" }] } },
        });
      },
    };
    const listed = await shopifyGateway(admin, "EUR").listCollections(" summer ");
    expect(listed).toEqual([{ id: "gid://shopify/Collection/11", title: "Summer" }]);
    expect(calls).toEqual([{ query: COLLECTIONS_QUERY, variables: { query: "summer" } }]);
  });
});

describe("the live preview of a collection-triggered offer", () => {
  const preview = (form: OfferForm, cartLine: string) =>
    previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: null,
      context: { ...defaultPreviewContext(form, [{ value: cartLine }], ["EUR", "USD"]), currency: "EUR" },
      armNames: [],
    });

  it("GIVEN a cart holding a product of the trigger collection WHEN previewed THEN the offer is shown", async () => {
    const r = await preview(caseByCollection([TOOLS]), cartOf("Cordless Drill"));
    expect(r.whyNot).toEqual([]);
    expect(r.card).toMatchObject({ title: "Keep your tools together", currency: "EUR" });
  });

  it("GIVEN a cart holding a product of another collection WHEN previewed THEN it says nothing in the cart triggers the offer", async () => {
    const r = await preview(caseByCollection([TOOLS]), cartOf("Laptop"));
    expect(r.card).toBeNull();
    expect(r.whyNot).toEqual(["Nothing in the cart triggers the offer (its products, collections, tags or vendors)."]);
  });
});

describe("the demo buyer journey with a collection-triggered offer", () => {
  function payloadWith(offer: Offer): Payload {
    const d = decodePayload(encodePayload([offer], { journeyCap: 3, defaultLocale: "en" }, 1_700_000_000_000));
    if (!d.ok) throw new Error(d.error.message);
    return d.payload;
  }
  const buyer = (cart: string[]) => ({
    cart,
    currency: "EUR" as const,
    country: "DE",
    locale: "en" as const,
    device: "desktop" as const,
    returning: false,
    journeyKey: "collections-buyer",
    acceptAll: false,
  });

  it("GIVEN a drill in the cart WHEN walked THEN the offer shows at checkout and the Discount Function prices it (same collection ids)", () => {
    const mapped = formToOffer(caseByCollection([TOOLS]), "case-by-collection", prices(), []);
    const steps = simulateJourney(payloadWith(mapped.offer!), buyer(["drill"]), 1_700_000_000_000);
    expect(steps[0]!.card?.offerId).toBe("case-by-collection");
    // 10% off the 39.00 EUR case: the function only takes it off when the drill's collection matches.
    expect(steps[0]!.card?.functionCheck.join("\n")).toMatch(/Discount Function takes off €3\.90/);
  });

  it("GIVEN only a laptop in the cart WHEN walked THEN the offer is not shown, for want of a trigger", () => {
    const mapped = formToOffer(caseByCollection([TOOLS]), "case-by-collection", prices(), []);
    const steps = simulateJourney(payloadWith(mapped.offer!), buyer(["laptop-16"]), 1_700_000_000_000);
    expect(steps[0]!.card).toBeUndefined();
    expect(steps[0]!.excluded.map((e) => e.reason)).toContain("its trigger product is not in the cart");
  });
});
