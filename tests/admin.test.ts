/**
 * The admin's modules in-process on a real SQLite database with the demo store as the gateway:
 * form <-> engine offer mapping and validation, the one save path (definition, columns, moments,
 * experiment rows, publishing), experiment lifecycle, settings and the live preview's decision.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { decodePayload, OfferSchema, type Offer } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import { GatewayError, type ShopGateway } from "~/gateway/types";
import { emptyOfferForm, formToOffer, type OfferForm } from "~/offers/form";
import {
  loadOfferForm,
  parseOfferFormJson,
  runExperimentCommand,
  saveOfferForm,
  setOffersStatus,
} from "~/offers/offers.server";
import { momentHeadlines } from "~/offers/headlines.server";
import { previewOffer } from "~/preview/preview.server";
import { defaultPreviewContext } from "~/preview/context";
import { loadSettingsForm, saveSettingsForm } from "~/settings/settings.server";
import { offerFromRow, shopSettings } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { seedInstalledShop } from "./support/fixtures";
import { refusalResponse } from "~/lib/errors";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: Awaited<ReturnType<ShopGateway["searchProducts"]>>;

beforeAll(async () => {
  db = freshDatabase("admin-unit");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const product = (title: string) => {
  const p = catalog.find((x) => x.title.includes(title))!;
  return {
    productId: p.id,
    variantId: p.variants[0]!.id,
    quantity: "1",
    title: `${p.title} - ${p.variants[0]!.title}`,
  };
};

function bundleForm(): OfferForm {
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = "Bundle";
  form.type = "bundle";
  form.items = [product("Storage Case"), product("Audio Cable")];
  form.discount = { kind: "percent", percent: "10", amounts: { EUR: "", USD: "" } };
  form.copy.en!.title = "Complete your setup";
  form.experiment = {
    enabled: true,
    holdoutPct: "10",
    variants: [
      { id: "", name: "A", weight: "1", title: "", body: "", discountPercent: "", design: "" },
      { id: "", name: "B", weight: "1", title: "15% off", body: "", discountPercent: "15", design: "" },
    ],
  };
  return form;
}

const refresh = async () => (shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } }));
const published = async () => {
  const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
  const decoded = decodePayload(row.payload);
  if (!decoded.ok) throw new Error("payload does not decode");
  return decoded.payload;
};

describe("offer form validation", () => {
  it("GIVEN a 120% discount WHEN the form is mapped THEN the error is on the discount field and there is no offer", () => {
    const form = bundleForm();
    form.discount.percent = "120";
    const r = formToOffer(
      form,
      "off_x",
      { [form.items[0]!.variantId]: { EUR: 100 }, [form.items[1]!.variantId]: { EUR: 100 } },
      ["a", "b"],
    );
    expect(r.offer).toBeNull();
    expect(r.errors).toEqual({ "discount.percent": "The discount is a whole percentage from 1 to 100." });
  });

  it("GIVEN a bundle with one product and no headline WHEN mapped THEN each field gets its own message", () => {
    const form = bundleForm();
    form.items = form.items.slice(0, 1);
    form.copy.en!.title = " ";
    const r = formToOffer(form, "off_x", { [form.items[0]!.variantId]: { EUR: 100 } }, ["a", "b"]);
    expect(Object.keys(r.errors).sort()).toEqual(["copy.en.title", "items"]);
  });

  it("GIVEN a bundle price above the items' total WHEN mapped THEN the amount field says so", () => {
    const form = bundleForm();
    form.discount = { kind: "bundle_price", percent: "", amounts: { EUR: "99.00" } };
    const r = formToOffer(
      form,
      "off_x",
      { [form.items[0]!.variantId]: { EUR: 3900 }, [form.items[1]!.variantId]: { EUR: 2490 } },
      ["a", "b"],
    );
    expect(r.errors["discount.amounts.EUR"]).toMatch(/below the items' total/);
  });

  it("GIVEN a valid form WHEN mapped THEN the engine schema accepts the offer and prices come from the catalog, not the form", () => {
    const form = bundleForm();
    const prices = {
      [form.items[0]!.variantId]: { EUR: 3900, USD: 4200 },
      [form.items[1]!.variantId]: { EUR: 2490, USD: 2690 },
    };
    const r = formToOffer(form, "off_x", prices, ["a", "b"]);
    expect(r.errors).toEqual({});
    expect(OfferSchema.safeParse(r.offer).success).toBe(true);
    expect(r.offer!.items.map((i) => i.prices)).toEqual([
      prices[form.items[0]!.variantId],
      prices[form.items[1]!.variantId],
    ]);
    expect(r.holdoutBps).toBe(1000);
  });

  it("GIVEN a form whose shape is wrong WHEN posted THEN it is a 400 with a reason, not a crash", async () => {
    const thrown = (() => {
      try {
        parseOfferFormJson(JSON.stringify({ name: 1 }));
      } catch (e) {
        return e;
      }
    })();
    // A typed refusal, which the route answers as this 400 (tests/refusals.test.ts posts one).
    const answer = refusalResponse(thrown);
    expect(answer?.status).toBe(400);
    expect(await answer!.text()).toContain("Malformed offer form at name");
  });
});

describe("saving offers (one write path)", () => {
  let offerId = "";

  it("GIVEN a valid bundle form WHEN saved THEN definition, columns, moments and experiment rows agree and the shop is republished", async () => {
    const result = await saveOfferForm(db.prisma, shop, gateway, null, bundleForm());
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    offerId = result.id;
    expect(result.publish.ok).toBe(true);
    const row = await db.prisma.offer.findUniqueOrThrow({
      where: { id: offerId },
      include: { moments: true, variants: { orderBy: { createdAt: "asc" } }, experiments: true },
    });
    const offer = offerFromRow(row)!;
    expect(row).toMatchObject({ name: "Bundle", type: "bundle", status: "active", priority: 0 });
    expect(row.moments.map((m) => m.moment)).toEqual(["checkout"]);
    expect(row.variants.map((v) => v.name)).toEqual(["A", "B"]);
    expect(row.experiments[0]).toMatchObject({ status: "running", holdoutBps: 1000 });
    expect(offer.experiment!.variants.map((v) => v.id)).toEqual(row.variants.map((v) => v.id));
    expect(offer.experiment!.variants[1]!.discount).toEqual({ kind: "percent", percent: 15 });
    expect((await published()).offers.map((o) => o.id)).toEqual([offerId]);
    expect((await refresh()).publishedAt).not.toBeNull();
  });

  it("GIVEN the saved offer WHEN loaded and saved again THEN the arms keep their ids (buyers keep their arm)", async () => {
    const before = await db.prisma.offerVariant.findMany({ where: { offerId }, orderBy: { createdAt: "asc" } });
    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    form!.copy.en!.title = "Edited";
    const result = await saveOfferForm(db.prisma, shop, gateway, offerId, form!);
    expect(result.ok).toBe(true);
    const after = await db.prisma.offerVariant.findMany({ where: { offerId }, orderBy: { createdAt: "asc" } });
    expect(after.map((v) => v.id)).toEqual(before.map((v) => v.id));
    expect(offerFromRow(await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } }))!.copy.en!.title).toBe(
      "Edited",
    );
  });

  it("GIVEN an invalid edit WHEN saved THEN nothing changes", async () => {
    const before = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    const form = bundleForm();
    form.discount.percent = "120";
    const result = await saveOfferForm(db.prisma, shop, gateway, offerId, form);
    expect(result).toEqual({
      ok: false,
      errors: { "discount.percent": "The discount is a whole percentage from 1 to 100." },
    });
    expect(await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).toEqual(before);
  });

  it("GIVEN a running experiment WHEN stopped THEN the published offer has no experiment; started again THEN it has", async () => {
    const exp = await db.prisma.experiment.findFirstOrThrow({ where: { offerId } });
    await runExperimentCommand(db.prisma, shop, gateway, exp.id, { kind: "stop" });
    expect((await published()).offers[0]!.experiment).toBeUndefined();
    await runExperimentCommand(db.prisma, shop, gateway, exp.id, { kind: "start" });
    expect((await published()).offers[0]!.experiment?.holdoutBps).toBe(1000);
  });

  it("GIVEN variant B WHEN promoted THEN the offer becomes B for everyone and the experiment stops with B as winner", async () => {
    const exp = await db.prisma.experiment.findFirstOrThrow({ where: { offerId } });
    const b = await db.prisma.offerVariant.findFirstOrThrow({ where: { offerId, name: "B" } });
    await runExperimentCommand(db.prisma, shop, gateway, exp.id, { kind: "promote", armId: b.id });
    const offer: Offer = (await published()).offers[0]!;
    expect(offer.experiment).toBeUndefined();
    expect(offer.discount).toEqual({ kind: "percent", percent: 15 });
    expect(offer.copy.en!.title).toBe("15% off");
    expect(await db.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } })).toMatchObject({
      status: "stopped",
      winnerArmId: b.id,
    });
  });

  it("GIVEN another shop's offer id among the ids WHEN bulk pausing THEN it is a 404 and no offer changes", async () => {
    const other = await seedInstalledShop(db.prisma, "other-unit.myshopify.com");
    const foreign = await db.prisma.offer.findFirstOrThrow({ where: { shopId: other.id } });
    const before = await db.prisma.offer.findMany({ orderBy: { id: "asc" } });
    const error = await setOffersStatus(db.prisma, shop, gateway, [offerId, foreign.id], "paused").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Response);
    expect((error as Response).status).toBe(404);
    expect(await db.prisma.offer.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("GIVEN a gateway that cannot publish WHEN an offer is saved THEN the offer is kept and the shop records the error in plain words", async () => {
    const failing: ShopGateway = {
      ...gateway,
      publishMetafield: async () => {
        throw new GatewayError("Shopify did not accept the offers: the app is missing the write_metafields scope.");
      },
    };
    const form = bundleForm();
    form.name = "Kept despite publish failure";
    const result = await saveOfferForm(db.prisma, shop, failing, null, form);
    expect(result.ok && result.publish).toEqual({
      ok: false,
      error: "Shopify did not accept the offers: the app is missing the write_metafields scope.",
    });
    expect((await refresh()).publishError).toBe(
      "Shopify did not accept the offers: the app is missing the write_metafields scope.",
    );
    await setOffersStatus(db.prisma, shop, gateway, [result.ok ? result.id : ""], "archived");
    expect((await refresh()).publishError).toBeNull();
  });

  it("GIVEN the offer WHEN paused THEN the published payload is empty", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "paused");
    expect((await published()).offers).toEqual([]);
    expect((await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).status).toBe("paused");
  });
});

describe("live preview", () => {
  const laptopCart = () => {
    const p = catalog.find((x) => x.title.includes("Laptop"))!;
    return `${p.id}|${p.variants[0]!.id}`;
  };

  it("GIVEN a mobile buyer in Germany paying EUR WHEN previewed THEN the card carries the engine's price in EUR", async () => {
    const form = bundleForm();
    form.experiment.enabled = false;
    const r = await previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: null,
      context: {
        ...defaultPreviewContext(form, [{ value: laptopCart() }], ["EUR", "USD"]),
        device: "mobile",
        country: "DE",
        currency: "EUR",
      },
      armNames: [],
    });
    expect(r.card).toMatchObject({
      title: "Complete your setup",
      currency: "EUR",
      original: 6390,
      final: 5751,
      savings: 639,
    });
  });

  it("GIVEN a desktop-only offer WHEN previewed for a mobile buyer THEN it says why not, in plain words", async () => {
    const form = bundleForm();
    form.experiment.enabled = false;
    form.targeting.devices = ["desktop"];
    const r = await previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: null,
      context: { ...defaultPreviewContext(form, [{ value: laptopCart() }], ["EUR"]), device: "mobile" },
      armNames: [],
    });
    expect(r.card).toBeNull();
    expect(r.whyNot).toEqual(["The buyer's device is not one the offer targets."]);
  });

  it("GIVEN the hold-out arm WHEN previewed THEN the buyer sees nothing and is told why", async () => {
    const form = bundleForm();
    const r = await previewOffer(db.prisma, shop, gateway, {
      form,
      offerId: null,
      context: { ...defaultPreviewContext(form, [{ value: laptopCart() }], ["EUR"]), arm: "holdout" },
      armNames: ["A", "B"],
    });
    expect(r.card).toBeNull();
    expect(r.armLabel).toBe("Hold-out group");
    expect(r.whyNot[0]).toMatch(/hold-out group/);
  });
});

describe("settings", () => {
  it("GIVEN a 100 h email window and a cap of 60 WHEN saved THEN each field has its error and nothing is stored", async () => {
    const form = await loadSettingsForm(db.prisma, shop.id);
    const before = await db.prisma.shopSettings.findUnique({ where: { shopId: shop.id } });
    const r = await saveSettingsForm(db.prisma, shop.id, { ...form, emailDelayHours: "100", journeyCap: "60" });
    expect(r.ok).toBe(false);
    expect(Object.keys((r as { errors: object }).errors).sort()).toEqual(["emailDelayHours", "journeyCap"]);
    expect(await db.prisma.shopSettings.findUnique({ where: { shopId: shop.id } })).toEqual(before);
  });

  it("GIVEN valid settings WHEN saved THEN ShopSettings and MomentSetting rows hold them", async () => {
    const form = await loadSettingsForm(db.prisma, shop.id);
    form.journeyCap = "2";
    form.emailDelayHours = "24";
    form.moments.cart = { enabled: false, maxOffers: "2" };
    expect(await saveSettingsForm(db.prisma, shop.id, form)).toEqual({ ok: true });
    expect(await db.prisma.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      journeyCap: 2,
      emailDelayHours: 24,
    });
    expect(
      await db.prisma.momentSetting.findUniqueOrThrow({
        where: { shopId_moment: { shopId: shop.id, moment: "cart" } },
      }),
    ).toMatchObject({ enabled: false, maxOffers: 2 });
    expect((await loadSettingsForm(db.prisma, shop.id)).moments.cart).toEqual({ enabled: false, maxOffers: "2" });
  });

  it("GIVEN currency codes and 'a no ends the journey' WHEN saved THEN the published settings carry both for every surface", async () => {
    const form = await loadSettingsForm(db.prisma, shop.id);
    expect(
      await saveSettingsForm(db.prisma, shop.id, { ...form, currencyDisplay: "code", declineBehaviour: "journey" }),
    ).toEqual({ ok: true });
    expect(await shopSettings(db.prisma, shop.id)).toMatchObject({ currencyDisplay: "code", afterDecline: "journey" });
  });

  it("GIVEN the default display and decline behaviour WHEN published THEN the payload leaves both out (engine defaults)", async () => {
    const form = await loadSettingsForm(db.prisma, shop.id);
    expect(
      await saveSettingsForm(db.prisma, shop.id, { ...form, currencyDisplay: "symbol", declineBehaviour: "offer" }),
    ).toEqual({ ok: true });
    const published = await shopSettings(db.prisma, shop.id);
    expect("currencyDisplay" in published || "afterDecline" in published).toBe(false);
  });

  it("GIVEN a currency display that is not one of Intl's WHEN saved THEN the field has its error", async () => {
    const form = await loadSettingsForm(db.prisma, shop.id);
    const r = await saveSettingsForm(db.prisma, shop.id, { ...form, currencyDisplay: "shop" });
    expect(r).toEqual({ ok: false, errors: { currencyDisplay: "Pick how prices are shown." } });
  });
});

describe("home headlines", () => {
  it("GIVEN no measurement data WHEN headlines are asked for THEN every moment has the empty state", async () => {
    const h = await momentHeadlines(db.prisma, shop.id);
    expect(Object.values(h).every((m) => !m.hasData && m.impressions === 0 && m.takeRateBps === null)).toBe(true);
  });
});

describe("trigger collections through the save path", () => {
  it("GIVEN a form triggered by a demo collection WHEN saved and loaded again THEN the collection is stored, published and back in the form", async () => {
    const [tools] = await gateway.listCollections("Tools");
    const form = bundleForm();
    form.name = "Bundle for tool buyers";
    form.experiment.enabled = false;
    form.targeting.collections = [tools!.id];
    const result = await saveOfferForm(db.prisma, shop, gateway, null, form);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect((await published()).offers.find((o) => o.id === result.id)?.targeting).toEqual({ collections: [tools!.id] });
    const loaded = await loadOfferForm(db.prisma, shop, gateway, result.id);
    expect(loaded.form?.targeting.collections).toEqual([tools!.id]);
    await setOffersStatus(db.prisma, shop, gateway, [result.id], "archived");
  });
});
