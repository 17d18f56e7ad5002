/**
 * The editor's side of decision 027 in-process, on a real SQLite database with the demo store as
 * the gateway: "When declined, show" (same shop only, never itself, no loop, a shared moment), the
 * publisher keeping a downsell out while no live offer names it, and plan upgrades sold on the
 * catalog's selling plan, refused after payment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { decide, decodePayload, type Offer, type Payload } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { emptyOfferForm, offerToForm, type OfferForm } from "~/offers/form";
import { downsellChoices, loadOfferForm, saveOfferForm, setOffersStatus } from "~/offers/offers.server";
import { withoutStrandedDownsells } from "~/publish/downsells";
import { offerFromRow } from "~/publish/publish.server";
import { previewOffer } from "~/preview/preview.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { seedInstalledShop } from "./support/fixtures";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: CatalogProduct[];

beforeAll(async () => {
  db = freshDatabase("offer-downsell");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 2, days: 1, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const variant = (title: string, variantTitle?: string) => {
  const p = catalog.find((x) => x.title.includes(title))!;
  const v = variantTitle ? p.variants.find((x) => x.title === variantTitle)! : p.variants[0]!;
  return { productId: p.id, variantId: v.id, quantity: "1", title: `${p.title} - ${v.title}` };
};

function productForm(
  name: string,
  item: ReturnType<typeof variant>,
  moments: OfferForm["moments"] = ["checkout"],
): OfferForm {
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = name;
  form.items = [item];
  form.moments = moments;
  form.copy.en!.title = name;
  return form;
}

const save = async (id: string | null, form: OfferForm) => {
  const r = await saveOfferForm(db.prisma, shop, gateway, id, form);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.id;
};
const errorsOf = async (id: string | null, form: OfferForm) => {
  const r = await saveOfferForm(db.prisma, shop, gateway, id, form);
  return r.ok ? {} : r.errors;
};
const published = async (): Promise<Payload> => {
  const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
  const decoded = decodePayload(row.payload);
  if (!decoded.ok) throw new Error("payload does not decode");
  return decoded.payload;
};

describe("When declined, show (linked downsell)", () => {
  let kit: string;
  let caseId: string;

  it("GIVEN two offers of the shop WHEN the kit names the case as its downsell THEN it is saved, reopens in the form and travels in the payload; the case waits for the kit's decline", async () => {
    caseId = await save(null, productForm("Storage case", variant("Storage Case")));
    const form = productForm("Audio kit", variant("Audio Cable"));
    form.downsell = caseId;
    kit = await save(null, form);
    const row = await db.prisma.offer.findFirstOrThrow({ where: { id: kit, shopId: shop.id } });
    expect(offerFromRow(row)!.downsell).toBe(caseId);
    expect((await loadOfferForm(db.prisma, shop, gateway, kit)).form!.downsell).toBe(caseId);
    const payload = await published();
    expect(payload.offers.find((o) => o.id === kit)!.downsell).toBe(caseId);
    const cable = payload.offers.find((o) => o.id === kit)!.items[0]!;
    const cart = {
      lines: [
        {
          productId: "gid://shopify/Product/1",
          variantId: "gid://shopify/ProductVariant/1",
          quantity: 1,
          unitPrice: 1000,
        },
      ],
      subtotal: 1000,
      currency: "EUR",
    };
    const at = (declined: string[]) =>
      decide({
        now: Date.now(),
        moments: ["checkout"],
        buyerKey: "b",
        cart,
        journey: { shown: [{ offerId: kit, moment: "checkout" }], declined },
        payload,
      }).moments[0]!;
    expect(at([]).excluded).toContainEqual({ offerId: caseId, reason: "downsell_only", detail: kit });
    expect(at([kit]).offers.map((o) => [o.offerId, o.downsellOf])).toEqual([[caseId, kit]]);
    expect(cable.productId).toBeTruthy();
  });

  it("GIVEN the kit WHEN it names itself THEN the field says it cannot", async () => {
    const form = (await loadOfferForm(db.prisma, shop, gateway, kit)).form!;
    form.downsell = kit;
    expect(await errorsOf(kit, form)).toEqual({ downsell: "An offer cannot be its own downsell: pick another offer." });
  });

  it("GIVEN kit -> case WHEN the case names the kit THEN the loop is refused, named", async () => {
    const form = (await loadOfferForm(db.prisma, shop, gateway, caseId)).form!;
    form.downsell = kit;
    expect((await errorsOf(caseId, form)).downsell).toBe(
      "Declining would go round in a circle (Storage case → Audio kit → Storage case): pick an offer that does not lead back.",
    );
  });

  it("GIVEN another shop's offer id WHEN named THEN it is not a choice: refused, and the choices list only this shop's offers", async () => {
    const other = await seedInstalledShop(db.prisma, "downsell-other.myshopify.com");
    const foreign = await db.prisma.offer.findFirstOrThrow({ where: { shopId: other.id } });
    const form = productForm("Foreign link", variant("Storage Case"));
    form.downsell = foreign.id;
    expect((await errorsOf(null, form)).downsell).toMatch(/not one of this shop's offers/);
    const choices = await downsellChoices(db.prisma, shop.id, null);
    expect(choices.map((c) => c.id)).not.toContain(foreign.id);
    expect(choices.find((c) => c.id === kit)).toMatchObject({
      name: "Audio kit",
      downsell: caseId,
      moments: ["checkout"],
    });
  });

  it("GIVEN an offer at other moments only WHEN named THEN refused: it could never show in this one's place", async () => {
    const email = await save(null, productForm("Email case", variant("Storage Case"), ["email"]));
    const form = productForm("Checkout kit", variant("Audio Cable"));
    form.downsell = email;
    expect((await errorsOf(null, form)).downsell).toMatch(
      /^“Email case” runs at none of this offer's moments \(Checkout: before payment\)/,
    );
  });

  it("GIVEN the kit paused WHEN published THEN the case is left out (it would show to everyone); resumed, it is back as the kit's downsell", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [kit], "paused");
    expect((await published()).offers.map((o) => o.id)).not.toContain(caseId);
    await setOffersStatus(db.prisma, shop, gateway, [kit], "active");
    expect((await published()).offers.map((o) => o.id)).toContain(caseId);
  });

  it("GIVEN the case edited in the editor WHEN previewed THEN it is shown as the kit's downsell, after that decline", async () => {
    const form = (await loadOfferForm(db.prisma, shop, gateway, caseId)).form!;
    const r = await previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: caseId,
      context: {
        moment: "checkout",
        cartLine: "",
        device: "desktop",
        country: "DE",
        currency: "EUR",
        locale: "en",
        arm: "0",
        buyer: "first_time",
        cartTotal: "",
      },
      armNames: [],
    });
    expect(r.card?.title).toBe("Storage case");
    expect(r.note).toBe("A downsell: shown when the buyer declines “Audio kit”, in its place.");
  });
});

describe("plan upgrades in the editor", () => {
  const planForm = (item = variant("Planner Pro", "Pro")) => {
    const form = productForm("Basic -> Pro", item, ["payment"]);
    form.type = "subscription_upgrade";
    form.targeting.triggerProducts = [{ productId: item.productId, title: "Planner Pro" }];
    return form;
  };

  it("GIVEN a plan upgrade to Pro WHEN saved THEN its item is sold on the catalog's selling plan for Pro, and the preview with Basic in the cart shows the swap", async () => {
    const id = await save(null, planForm());
    const offer = offerFromRow(await db.prisma.offer.findFirstOrThrow({ where: { id, shopId: shop.id } }))!;
    const pro = catalog.find((p) => p.title.includes("Planner Pro"))!.variants.find((v) => v.title === "Pro")!;
    expect(pro.sellingPlanId).toBeTruthy();
    expect(offer.items[0]).toMatchObject({ variantId: pro.id, sellingPlanId: pro.sellingPlanId });
    const basic = variant("Planner Pro", "Basic");
    const r = await previewOffer(db.prisma, shop, gateway, {
      form: offerToForm(offer, { name: "Basic -> Pro", currencies: ["EUR", "USD"], titles: {} }),
      offerId: id,
      context: {
        moment: "payment",
        cartLine: `${basic.productId}|${basic.variantId}`,
        device: "desktop",
        country: "DE",
        currency: "EUR",
        locale: "en",
        arm: "0",
        buyer: "first_time",
        cartTotal: "",
      },
      armNames: [],
    });
    expect(r.whyNot).toEqual([]);
    // The editor's default 10% off Pro's 49.00.
    expect(r.card).toMatchObject({
      original: 4900,
      final: 4410,
      lines: [{ title: "Planner Pro (monthly plan) - Pro", quantity: 1 }],
    });
  });

  it("GIVEN a plan upgrade to a variant without a selling plan WHEN saved THEN the item says so", async () => {
    const errors = await errorsOf(null, planForm(variant("Storage Case")));
    expect(errors["items.0"]).toMatch(/^This variant is not sold on a selling plan/);
  });

  it("GIVEN an upgrade at the post-purchase page or with two products WHEN saved THEN refused: it swaps one cart line, before payment", async () => {
    const after = planForm();
    after.moments = ["payment", "post_purchase"];
    expect((await errorsOf(null, after)).moments).toMatch(
      /^An upgrade switches a line of the cart, which only works before payment: Post-purchase page cannot swap/,
    );
    const two = planForm();
    two.items = [variant("Planner Pro", "Pro"), variant("Storage Case")];
    expect((await errorsOf(null, two)).items).toBe(
      "An upgrade swaps one cart line: pick only the variant buyers upgrade to.",
    );
  });
});

describe("the publisher's rule for downsells (withoutStrandedDownsells)", () => {
  const o = (id: string, more: Partial<Offer> = {}): Offer => ({
    id,
    status: "active",
    type: "product",
    moments: ["checkout"],
    priority: 1,
    items: [
      {
        productId: "gid://shopify/Product/1",
        variantId: "gid://shopify/ProductVariant/1",
        quantity: 1,
        prices: { EUR: 100 },
      },
    ],
    copy: { en: { title: id } },
    ...more,
  });
  const ids = (offers: Offer[]) => offers.map((x) => x.id);

  it("GIVEN A -> B -> D with A live WHEN published THEN all three go; with A paused (not live) B and then D wait; with A ended likewise", () => {
    const links = [
      { id: "a", downsell: "b" },
      { id: "b", downsell: "d" },
      { id: "d", downsell: null },
      { id: "x", downsell: null },
    ];
    const live = [o("a", { downsell: "b" }), o("b", { downsell: "d" }), o("d"), o("x")];
    expect(ids(withoutStrandedDownsells(live, links, 1000))).toEqual(["a", "b", "d", "x"]);
    expect(ids(withoutStrandedDownsells(live.slice(1), links, 1000))).toEqual(["x"]);
    expect(
      ids(withoutStrandedDownsells([o("a", { downsell: "b", endsAt: 1000 }), ...live.slice(1)], links, 1000)),
    ).toEqual(["x"]);
  });
});
