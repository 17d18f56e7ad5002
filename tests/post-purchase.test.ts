import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { assign, encodePayload, type Offer, type Settings } from "@moments/engine";
import { verifyChangesetToken, signPostPurchaseOffer } from "~/post-purchase/changeset.server";
import {
  decidePostPurchaseOffer,
  linkPurchaseToOrder,
  offersAlreadyMadeForOrder,
  postPurchaseUpsellsFor,
  purchaseFromInput,
} from "~/post-purchase/offer.server";
import { parseInputData } from "~/post-purchase/token.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import {
  BROWSER_UA,
  realModeEnv,
  startServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type RunningServer,
} from "./support/server";
import { postPurchaseInputData, postPurchaseToken } from "./support/shopify-signing";
import { deliverWebhook, samplePayload } from "./support/webhooks";

/**
 * The post-purchase endpoints against the built server, with real HS256 signing both ways: the
 * test plays Shopify (signs the input token with the app secret) and checks the changeset the app
 * signs exactly as Shopify documents it.
 */
const SHOP_A = "pp-a.myshopify.com";
const SHOP_B = "pp-b.myshopify.com";
const DRILL = { product: 8100000004, variant: 4600000400 };
const settings: Settings = { journeyCap: 10, defaultLocale: "en", momentLimits: { post_purchase: 1 } };

const offer = (id: string, priority: number, variant: number, eur: number, discount?: Offer["discount"]): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["post_purchase"],
  priority,
  items: [
    {
      productId: `gid://shopify/Product/${variant + 1000}`,
      variantId: `gid://shopify/ProductVariant/${variant}`,
      quantity: 1,
      prices: { EUR: eur },
    },
  ],
  copy: { en: { title: `Add ${id}`, cta: "Add to order", decline: "No thanks" } },
  targeting: { products: [`gid://shopify/Product/${DRILL.product}`] },
  ...(discount ? { discount } : {}),
});
const OFFERS: Offer[] = [
  offer("off_case", 100, 4600000500, 3900, { kind: "percent", percent: 20 }),
  offer("off_kit", 50, 4600000600, 2000, { kind: "fixed", amounts: { EUR: 500 } }),
  offer("off_third", 10, 4600000700, 1000),
  offer("off_fourth", 5, 4600000800, 900),
];

let db: TestDatabase;
let server: RunningServer;
const shopIds: Record<string, string> = {};

beforeAll(async () => {
  db = freshDatabase("post-purchase");
  for (const domain of [SHOP_A, SHOP_B]) {
    const shop = await db.prisma.shop.create({ data: { domain, name: domain, currency: "EUR" } });
    shopIds[domain] = shop.id;
    const payload = encodePayload(OFFERS, settings, Date.now() - 60_000);
    await db.prisma.publication.create({
      data: { shopId: shop.id, payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() },
    });
  }
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const inputData = (shop: string, referenceId: string) => postPurchaseInputData(shop, referenceId, DRILL);
const inputToken = (shop: string, referenceId: string, opts: { secret?: string; expiresIn?: number } = {}) =>
  postPurchaseToken(shop, inputData(shop, referenceId), opts);

interface ApiAnswer {
  offer?: {
    offerId: string;
    step: number;
    currency: string;
    experimentId?: string;
    armId?: string;
    /** The arm under its first name, for post-purchase extensions deployed before decision 020. */
    armVariantId?: string;
    quantities: Array<{ multiple: number; original: number; final: number; savings: number }>;
  } | null;
  token?: string;
  error?: string;
  reason?: string;
}

async function post(path: string, token: string | null, body: unknown) {
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": BROWSER_UA };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as ApiAnswer, headers: res.headers };
}

const getOffer = (token: string, body: unknown = {}) => post("/api/post-purchase/offer", token, body);
const sign = (token: string, body: unknown) => post("/api/post-purchase/sign", token, body);
const signed = (domain: string, referenceId: string) =>
  db.prisma.postPurchaseUpsell.count({ where: { shopId: shopIds[domain], referenceId } });

describe("POST /api/post-purchase/sign with a valid request", () => {
  it("GIVEN the offer the server made WHEN the buyer accepts at that price THEN the JWT verifies with the app secret and carries exactly the documented claims", async () => {
    const token = await inputToken(SHOP_A, "ref-valid");
    const { json: made } = await getOffer(token);
    expect(made.offer).toMatchObject({ offerId: "off_case", step: 1, currency: "EUR" });
    expect(made.offer!.quantities[0]).toMatchObject({ multiple: 1, original: 3900, final: 3120, savings: 780 });

    const before = Math.floor(Date.now() / 1000);
    const res = await sign(token, {
      referenceId: "ref-valid",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");

    const { payload } = await jwtVerify(res.json.token!, new TextEncoder().encode(TEST_API_SECRET), {
      algorithms: ["HS256"],
    });
    expect(decodeProtectedHeader(res.json.token!).alg).toBe("HS256");
    expect(Object.keys(payload).sort()).toEqual(["changes", "iat", "iss", "jti", "sub"]);
    expect(payload.iss).toBe(TEST_API_KEY);
    expect(payload.sub).toBe("ref-valid");
    expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(before - 1);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect(payload.changes).toEqual([
      {
        type: "add_variant",
        variantId: 4600000500,
        quantity: 1,
        discount: { value: 7.8, valueType: "fixed_amount", title: "Add off_case" },
      },
    ]);
    // The same check the demo page shows.
    expect(
      await verifyChangesetToken(res.json.token!, { apiKey: TEST_API_KEY, secret: TEST_API_SECRET }),
    ).toMatchObject({ ok: true });
    const rows = await db.prisma.postPurchaseUpsell.findMany({
      where: { shopId: shopIds[SHOP_A], referenceId: "ref-valid" },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ offerId: "off_case", jti: payload.jti, finalMinor: 3120n, currency: "EUR" });
  });

  it("GIVEN a quantity multiple WHEN the buyer takes three THEN the price and the quantity in the claims are three times the server's", async () => {
    const token = await inputToken(SHOP_A, "ref-qty");
    await getOffer(token);
    const res = await sign(token, {
      referenceId: "ref-qty",
      offerId: "off_case",
      multiple: 3,
      expected: { final: 9360, currency: "EUR" },
    });
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify(res.json.token!, new TextEncoder().encode(TEST_API_SECRET));
    expect(payload.changes).toEqual([
      {
        type: "add_variant",
        variantId: 4600000500,
        quantity: 3,
        discount: { value: 23.4, valueType: "fixed_amount", title: "Add off_case" },
      },
    ]);
  });
});

describe("POST /api/post-purchase/sign refusals: 4xx and nothing signed", () => {
  it("GIVEN a tampered price WHEN signing THEN 409 and no row", async () => {
    const token = await inputToken(SHOP_A, "ref-tamper");
    await getOffer(token);
    const res = await sign(token, {
      referenceId: "ref-tamper",
      offerId: "off_case",
      expected: { final: 100, currency: "EUR" },
    });
    expect(res.status).toBe(409);
    expect(res.json.token).toBeUndefined();
    expect(res.json.error).toMatch(/price mismatch/);
    expect(await signed(SHOP_A, "ref-tamper")).toBe(0);
  });

  it("GIVEN another currency WHEN signing THEN 409 and no row", async () => {
    const token = await inputToken(SHOP_A, "ref-currency");
    await getOffer(token);
    const res = await sign(token, {
      referenceId: "ref-currency",
      offerId: "off_case",
      expected: { final: 3120, currency: "USD" },
    });
    expect(res.status).toBe(409);
    expect(await signed(SHOP_A, "ref-currency")).toBe(0);
  });

  it("GIVEN another shop's reference id WHEN signing with this shop's token THEN 403 and nothing signed for either shop", async () => {
    const tokenB = await inputToken(SHOP_B, "ref-b");
    await getOffer(tokenB);
    const tokenA = await inputToken(SHOP_A, "ref-a");
    await getOffer(tokenA);
    const res = await sign(tokenA, {
      referenceId: "ref-b",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(res.status).toBe(403);
    expect(res.json.token).toBeUndefined();
    expect(await signed(SHOP_B, "ref-b")).toBe(0);
    expect(await signed(SHOP_A, "ref-b")).toBe(0);
    expect(await signed(SHOP_A, "ref-a")).toBe(0);
  });

  it("GIVEN an expired input token WHEN asking for an offer or a signature THEN 401", async () => {
    const token = await inputToken(SHOP_A, "ref-expired", { expiresIn: -120 });
    expect((await getOffer(token)).status).toBe(401);
    const res = await sign(token, {
      referenceId: "ref-expired",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(res.status).toBe(401);
    expect(await signed(SHOP_A, "ref-expired")).toBe(0);
  });

  it("GIVEN a token forged with another secret WHEN signing THEN 401 and nothing signed", async () => {
    const good = await inputToken(SHOP_A, "ref-forged");
    await getOffer(good);
    const forged = await inputToken(SHOP_A, "ref-forged", { secret: "not-the-app-secret" });
    const res = await sign(forged, {
      referenceId: "ref-forged",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(res.status).toBe(401);
    expect(res.json.token).toBeUndefined();
    expect(await signed(SHOP_A, "ref-forged")).toBe(0);
  });

  it("GIVEN no Authorization header WHEN asking for an offer THEN 401", async () => {
    expect((await post("/api/post-purchase/offer", null, {})).status).toBe(401);
  });

  it("GIVEN an offer never made for this purchase WHEN signing THEN 404 and nothing signed", async () => {
    const token = await inputToken(SHOP_A, "ref-unmade");
    await getOffer(token);
    const res = await sign(token, {
      referenceId: "ref-unmade",
      offerId: "off_third",
      expected: { final: 1000, currency: "EUR" },
    });
    expect(res.status).toBe(404);
    expect(await signed(SHOP_A, "ref-unmade")).toBe(0);
  });

  it("GIVEN three accepted offers WHEN the purchase asks again or replays a signature THEN no fourth offer and 409 with still three rows", async () => {
    const token = await inputToken(SHOP_A, "ref-limit");
    const prices: Record<string, number> = { off_case: 3120, off_kit: 1500, off_third: 1000 };
    for (const expectedOffer of ["off_case", "off_kit", "off_third"]) {
      const { json } = await getOffer(token);
      expect(json.offer?.offerId).toBe(expectedOffer);
      const res = await sign(token, {
        referenceId: "ref-limit",
        offerId: expectedOffer,
        expected: { final: prices[expectedOffer], currency: "EUR" },
      });
      expect(res.status).toBe(200);
    }
    const after = await getOffer(token);
    expect(after.json.offer).toBeNull();
    const replay = await sign(token, {
      referenceId: "ref-limit",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(replay.status).toBe(409);
    const fourth = await sign(token, {
      referenceId: "ref-limit",
      offerId: "off_fourth",
      expected: { final: 900, currency: "EUR" },
    });
    expect(fourth.status).toBeGreaterThanOrEqual(400);
    expect(fourth.status).toBeLessThan(500);
    expect(await signed(SHOP_A, "ref-limit")).toBe(3);
  });

  it("GIVEN a purchase already upsold three times WHEN a fourth offered offer is signed THEN the limit refuses it (409) and nothing is signed", async () => {
    const shopId = shopIds[SHOP_A]!;
    const purchase = purchaseFromInput(parseInputData(inputData(SHOP_A, "ref-cap")));
    for (const [i, offerId] of ["x1", "x2", "x3"].entries()) {
      await db.prisma.postPurchaseUpsell.create({
        data: {
          shopId,
          referenceId: "ref-cap",
          offerId,
          variantIds: "[]",
          quantity: 1,
          jti: randomUUID(),
          changes: "[]",
          currency: "EUR",
          finalMinor: 100 + i,
        },
      });
    }
    await db.prisma.postPurchaseOffer.create({
      data: { shopId, referenceId: "ref-cap", offerId: "off_case", step: 1, currency: "EUR", finalMinor: 3120 },
    });
    const outcome = await signPostPurchaseOffer(
      db.prisma,
      shopId,
      purchase,
      { referenceId: "ref-cap", offerId: "off_case", multiple: 1, expected: { final: 3120, currency: "EUR" } },
      { apiKey: TEST_API_KEY, secret: TEST_API_SECRET },
    );
    expect(outcome).toMatchObject({ ok: false, status: 409 });
    expect(await signed(SHOP_A, "ref-cap")).toBe(3);
  });
});

describe("decline, downsell and the fallback record", () => {
  it("GIVEN the first offer WHEN the buyer declines THEN the next offer is the downsell at step 2 and the declined one cannot be signed", async () => {
    const token = await inputToken(SHOP_A, "ref-decline");
    expect((await getOffer(token)).json.offer!.offerId).toBe("off_case");
    const next = await getOffer(token, { declineOfferId: "off_case" });
    expect(next.json.offer).toMatchObject({ offerId: "off_kit", step: 2 });
    const res = await sign(token, {
      referenceId: "ref-decline",
      offerId: "off_case",
      expected: { final: 3120, currency: "EUR" },
    });
    expect(res.status).toBe(409);
    expect(await signed(SHOP_A, "ref-decline")).toBe(0);
  });

  it("GIVEN offers made post-purchase WHEN the thank-you fallback asks THEN it never gets an offer this order already saw", async () => {
    const shopId = shopIds[SHOP_A]!;
    const made = await offersAlreadyMadeForOrder(db.prisma, shopId, "ref-decline");
    expect(made).toMatchObject({ declined: ["off_case"], offered: ["off_kit"], all: ["off_case", "off_kit"] });
    const purchase = purchaseFromInput(parseInputData(inputData(SHOP_A, "ref-decline")));
    const fallback = await decidePostPurchaseOffer(db.prisma, shopId, purchase, { excludeAllMade: true });
    expect(fallback.offer?.offerId).toBe("off_third");
  });

  it("GIVEN a CORS preflight WHEN the extension's sandbox asks THEN 204 with the headers it needs", async () => {
    const res = await fetch(`${server.url}/api/post-purchase/sign`, {
      method: "OPTIONS",
      headers: { "User-Agent": BROWSER_UA, Origin: "https://extensions.shopifycdn.com" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("GIVEN a signed upsell WHEN the order is linked THEN attribution finds the offer, arm, moment and variant by the order id", async () => {
    const shopId = shopIds[SHOP_A]!;
    await linkPurchaseToOrder(db.prisma, shopId, "ref-valid", "gid://shopify/Order/820982911946154508");
    const upsells = await postPurchaseUpsellsFor(db.prisma, shopId, "gid://shopify/Order/820982911946154508");
    expect(upsells).toEqual([
      expect.objectContaining({
        referenceId: "ref-valid",
        offerId: "off_case",
        moment: "post_purchase",
        armId: null,
        variantIds: ["gid://shopify/ProductVariant/4600000500"],
        finalMinor: 3120,
        currency: "EUR",
      }),
    ]);
  });
});

describe("events from this surface", () => {
  it("GIVEN accepts and declines through the endpoints THEN the server recorded them as contract events", async () => {
    const shopId = shopIds[SHOP_A]!;
    // The journey key is the purchase's reference id (its checkout token), so the events join the order.
    const signed = await db.prisma.postPurchaseUpsell.findMany({ where: { shopId }, select: { referenceId: true } });
    const accepts = await db.prisma.event.findMany({
      where: { shopId, type: "accept", journeyKey: { in: signed.map((u) => u.referenceId) } },
    });
    expect(accepts.length).toBeGreaterThan(0);
    expect(accepts[0]).toMatchObject({ moment: "post_purchase", surface: "post_purchase", currency: "EUR" });
    expect(await db.prisma.event.count({ where: { shopId, type: "decline", offerId: "off_case" } })).toBe(1);
  });

  it("GIVEN the extension's impression WHEN sent to /api/events with the input token THEN it is accepted", async () => {
    const token = await inputToken(SHOP_A, "ref-events");
    const event = {
      id: "pp-impression-ref-events",
      type: "impression",
      moment: "post_purchase",
      surface: "post_purchase",
      journeyKey: "ref-events",
      offerId: "off_case",
      arm: "none",
      currency: "EUR",
      occurredAt: Date.now(),
    };
    const res = await fetch(`${server.url}/api/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "User-Agent": BROWSER_UA },
      body: JSON.stringify({ events: [event] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: Array<{ status: string }> }).results[0]!.status).toBe("accepted");
  });
});

describe("an offer with a 50% hold-out experiment (many purchases, built server)", () => {
  const SHOP_X = "pp-experiment.myshopify.com";
  const EXPERIMENT = { id: "exp-pp", holdoutBps: 5000, variants: [{ id: "pp-v1", weight: 1 }] };
  const N = 400;
  const refs = Array.from({ length: N }, (_, i) => `pp-x-${i.toString(36).padStart(3, "0")}`);
  const armOf = (ref: string) => {
    const a = assign(EXPERIMENT, ref);
    return a.kind === "holdout" ? "holdout" : a.armId;
  };
  const answers = new Map<string, ApiAnswer>();
  let shopX: string;

  beforeAll(async () => {
    shopX = (await db.prisma.shop.create({ data: { domain: SHOP_X, name: SHOP_X, currency: "EUR" } })).id;
    const offers = [{ ...offer("off_exp", 100, 4600000900, 2500), experiment: EXPERIMENT }];
    // The admin's rows behind the published experiment: the server accepts exposures of known experiments only.
    await db.prisma.offer.create({
      data: {
        id: "off_exp",
        shopId: shopX,
        name: "Experiment offer",
        type: "product",
        status: "active",
        priority: 100,
        definition: JSON.stringify(offers[0]),
      },
    });
    await db.prisma.experiment.create({
      data: {
        id: EXPERIMENT.id,
        shopId: shopX,
        offerId: "off_exp",
        status: "running",
        holdoutBps: EXPERIMENT.holdoutBps,
        startedAt: new Date(),
      },
    });
    const payload = encodePayload(offers, settings, Date.now() - 60_000);
    await db.prisma.publication.create({
      data: { shopId: shopX, payload, bytes: payload.length, offerCount: offers.length, publishedAt: new Date() },
    });
    for (const [i, ref] of refs.entries()) {
      const token = await inputToken(SHOP_X, ref);
      const res = await getOffer(token);
      expect(res.status).toBe(200);
      answers.set(ref, res.json);
      // The extension's ShouldRender and Render both ask: the second decision must not add an exposure.
      if (i < 40) expect((await getOffer(token)).status).toBe(200);
    }
  });

  const exposures = () =>
    db.prisma.experimentExposure.findMany({ where: { shopId: shopX, experimentId: EXPERIMENT.id } });

  it("GIVEN held-out purchases WHEN the page asks for an offer THEN none is made", () => {
    const held = refs.filter((r) => armOf(r) === "holdout");
    expect(held.length).toBeGreaterThan(0);
    for (const ref of held) expect(answers.get(ref)!.offer, ref).toBeNull();
  });

  it("GIVEN variant purchases WHEN the page asks for an offer THEN the experiment's offer is made", () => {
    const variant = refs.filter((r) => armOf(r) !== "holdout");
    expect(variant.length).toBeGreaterThan(0);
    for (const ref of variant) expect(answers.get(ref)!.offer?.offerId, ref).toBe("off_exp");
  });

  it("GIVEN variant purchases WHEN the offer is answered THEN it names the buyer's arm as armId and, for extensions deployed before decision 020, as armVariantId", () => {
    for (const ref of refs.filter((r) => armOf(r) !== "holdout")) {
      expect(answers.get(ref)!.offer, ref).toMatchObject({
        experimentId: EXPERIMENT.id,
        armId: armOf(ref),
        armVariantId: armOf(ref),
      });
    }
  });

  it("GIVEN every purchase asked (some twice) THEN each has exactly one post_purchase exposure keyed by its reference id, in its assigned arm", async () => {
    const rows = await exposures();
    expect(rows).toHaveLength(N);
    const byKey = new Map(rows.map((r) => [r.journeyKey, r]));
    expect([...byKey.keys()].sort()).toEqual([...refs].sort());
    for (const ref of refs) {
      expect(byKey.get(ref), ref).toMatchObject({
        surface: "post_purchase",
        moment: "post_purchase",
        offerId: "off_exp",
        version: 1,
        arm: armOf(ref),
      });
    }
  });

  it("GIVEN the exposures WHEN counting arms THEN the hold-out share is 50% within 4 standard errors", async () => {
    const held = (await exposures()).filter((r) => r.arm === "holdout").length;
    const se = Math.sqrt(0.25 / N);
    expect(Math.abs(held / N - 0.5)).toBeLessThan(4 * se);
  });

  it("GIVEN a held-out and a variant purchase WHEN orders/create carries their checkout_token THEN each order's revenue goes to the exposure of its arm", async () => {
    const heldRef = refs.find((r) => armOf(r) === "holdout")!;
    const variantRef = refs.find((r) => armOf(r) !== "holdout")!;
    for (const [i, ref] of [heldRef, variantRef].entries()) {
      const order = samplePayload("orders/create", SHOP_X) as Record<string, unknown> & {
        line_items: Array<Record<string, unknown>>;
      };
      const id = 930000000 + i;
      Object.assign(order, {
        id,
        admin_graphql_api_id: `gid://shopify/Order/${id}`,
        checkout_token: ref,
        note_attributes: [],
        test: false,
        processed_at: new Date().toISOString(),
      });
      order.line_items = order.line_items.map((l) => ({ ...l, properties: [] }));
      const res = await deliverWebhook(server.url, {
        topic: "orders/create",
        shop: SHOP_X,
        body: JSON.stringify(order),
        secret: TEST_API_SECRET,
      });
      expect(res.status).toBe(200);
    }
    const orders = await db.prisma.order.findMany({ where: { shopId: shopX }, orderBy: { shopifyId: "asc" } });
    expect(orders).toHaveLength(2);
    expect(orders[0]!.totalMinor).toBeGreaterThan(0);
    const rows = await exposures();
    const byKey = new Map(rows.map((r) => [r.journeyKey, r]));
    expect(byKey.get(heldRef)).toMatchObject({ arm: "holdout", orders: 1n, revenueMinor: orders[0]!.totalMinor });
    expect(byKey.get(variantRef)).toMatchObject({ arm: "pp-v1", orders: 1n, revenueMinor: orders[1]!.totalMinor });
    expect(
      rows
        .filter((r) => r.orders > 0)
        .map((r) => r.journeyKey)
        .sort(),
    ).toEqual([heldRef, variantRef].sort());
  });
});
