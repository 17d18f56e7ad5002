/**
 * Tenant isolation of every admin loader and action, over real HTTP against the built server in
 * real (Shopify) mode, authenticated the way the embedded admin is: a Shopify session token
 * (HS256 JWT signed with the app secret) as `Authorization: Bearer`, plus the shop's offline
 * session in the Session table. Shop A's token asking for shop B's ids gets 404 and B's rows stay
 * byte for byte the same. No request here reaches the Admin API (the 404 comes first), so nothing
 * needs mocking at the HTTP boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { adminSessionToken } from "./support/shopify-signing";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "./support/server";
import { seedInstalledShop } from "./support/fixtures";
import { emptyOfferForm } from "~/offers/form";

const SHOP_A = "isolation-a.myshopify.com";
const SHOP_B = "isolation-b.myshopify.com";

let db: TestDatabase;
let server: RunningServer;
let offerB = "";
let experimentB = "";

async function asShopA(path: string, init: { method?: string; form?: Record<string, string | string[]> } = {}) {
  let body: URLSearchParams | undefined;
  if (init.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  }
  return fetch(`${server.url}${path}`, {
    method: init.method ?? (body ? "POST" : "GET"),
    headers: {
      Authorization: `Bearer ${await adminSessionToken(SHOP_A)}`,
      "User-Agent": BROWSER_UA,
      Accept: "text/html",
    },
    body,
    redirect: "manual",
  });
}

/** Everything of shop B the admin could touch. */
async function shopBState(prisma: PrismaClient) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
  return {
    shop,
    offers: await prisma.offer.findMany({ where: { shopId: shop.id }, include: { moments: true, variants: true } }),
    experiments: await prisma.experiment.findMany({ where: { shopId: shop.id } }),
    settings: await prisma.shopSettings.findUnique({ where: { shopId: shop.id } }),
    momentSettings: await prisma.momentSetting.findMany({ where: { shopId: shop.id } }),
    publication: await prisma.publication.findUnique({ where: { shopId: shop.id } }),
  };
}

beforeAll(async () => {
  db = freshDatabase("admin-isolation");
  for (const domain of [SHOP_A, SHOP_B]) {
    await seedInstalledShop(db.prisma, domain);
    // The offline session the new embedded auth strategy looks up, with the app's full scopes
    // (otherwise the library would try a token exchange with Shopify).
    await db.prisma.session.update({ where: { id: `offline_${domain}` }, data: { scope: realModeEnv("").SCOPES } });
  }
  const shopB = await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
  const offer = await db.prisma.offer.findFirstOrThrow({ where: { shopId: shopB.id } });
  offerB = offer.id;
  experimentB = (await db.prisma.experiment.findFirstOrThrow({ where: { shopId: shopB.id } })).id;
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const validForm = () => {
  const form = emptyOfferForm(["EUR"]);
  form.name = "Hijacked";
  form.items = [
    { productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/1", quantity: "1", title: "x" },
  ];
  form.copy.en!.title = "Hijacked";
  return JSON.stringify(form);
};

describe("admin tenant isolation (real mode, Shopify session tokens)", () => {
  it("GIVEN shop A's session token WHEN it opens its own home page THEN it is authenticated (200)", async () => {
    const res = await asShopA("/app");
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("isolation-b");
  });

  it("GIVEN shop A on a plan without Shopify Plus WHEN it opens the home page THEN checkout steps say so and name the nearest moment", async () => {
    const html = await (await asShopA("/app")).text();
    expect(html).toContain("Needs Shopify Plus. Nearest moment on your plan: In-cart cross-sell.");
    expect(html).toContain("Your plan: checkout steps need Shopify Plus");
  });

  const cases: Array<[string, () => Promise<Response>]> = [
    ["the offer page loader", () => asShopA(`/app/offers/${offerB}`)],
    ["the offer save action", () => asShopA(`/app/offers/${offerB}`, { form: { intent: "save", form: validForm() } })],
    ["the offer pause action", () => asShopA(`/app/offers/${offerB}`, { form: { intent: "pause" } })],
    ["the offer resume action", () => asShopA(`/app/offers/${offerB}`, { form: { intent: "resume" } })],
    ["the offers index bulk pause", () => asShopA(`/app/offers?index`, { form: { intent: "pause", ids: [offerB] } })],
    [
      "the offers index bulk archive",
      () => asShopA(`/app/offers?index`, { form: { intent: "archive", ids: [offerB] } }),
    ],
    ["the live preview action", () => asShopA(`/app/offers/preview`, { form: { form: validForm(), offerId: offerB } })],
    [
      "the experiment stop action",
      () => asShopA(`/app/experiments?index`, { form: { intent: "stop", experimentId: experimentB } }),
    ],
    [
      "the experiment start action",
      () => asShopA(`/app/experiments?index`, { form: { intent: "start", experimentId: experimentB } }),
    ],
    [
      "the experiment promote action",
      () => asShopA(`/app/experiments?index`, { form: { intent: "promote", experimentId: experimentB, armId: "x" } }),
    ],
  ];

  it.each(cases)(
    "GIVEN shop B's ids WHEN shop A calls %s THEN it answers 404 and B's rows do not change",
    async (_name, call) => {
      const before = await shopBState(db.prisma);
      const res = await call();
      expect(res.status).toBe(404);
      expect(await shopBState(db.prisma)).toEqual(before);
    },
  );

  it.each([
    ["offers index", "/app/offers"],
    ["experiments", "/app/experiments"],
    ["settings", "/app/settings"],
    ["home", "/app"],
  ])("GIVEN shop B's offer WHEN shop A lists its %s THEN B's offer is not in it", async (_name, path) => {
    const b = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerB } });
    const res = await asShopA(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain(b.id);
  });

  it("GIVEN shop A's settings WHEN A saves invalid settings THEN the answer is a field error (422) and B's settings are untouched", async () => {
    const before = await shopBState(db.prisma);
    const res = await asShopA(`/app/settings`, { form: { form: JSON.stringify({ journeyCap: "99" }) } });
    expect(res.status).toBe(422);
    expect(await shopBState(db.prisma)).toEqual(before);
  });

  it("GIVEN no session token WHEN the offer page is requested THEN it is not served (the app never trusts a shop id from the URL)", async () => {
    const res = await fetch(`${server.url}/app/offers/${offerB}?shop=${SHOP_B}`, {
      headers: { "User-Agent": BROWSER_UA },
      redirect: "manual",
    });
    expect(res.status).not.toBe(200);
    expect(await db.prisma.offer.findUniqueOrThrow({ where: { id: offerB } })).toMatchObject({ name: "Warranty" });
  });
});
