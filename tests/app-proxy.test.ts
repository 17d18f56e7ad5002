import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePayload, encodePayload, exposureEventId, type Offer } from "@moments/engine";
import type { WireResponse } from "../packages/storefront/src/wire";
import { decideStorefront, StorefrontQuery } from "~/storefront/offers.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { appProxySignature } from "./support/shopify-signing";
import { JACKET, KIT, SHOP } from "./support/storefront/fixture";
import { seedStorefrontShop } from "./support/storefront/seed";

/**
 * The app proxy endpoint (/apps/moments/offers on the shop -> /proxy/offers here) against the
 * built server in real mode. Shopify's signature: hex HMAC-SHA256, with the app secret, of every
 * query parameter except `signature`, as `key=value` sorted by key, values of repeated keys
 * joined with ",", concatenated WITHOUT separators.
 */
let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("app-proxy");
  await seedStorefrontShop(db.prisma);
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

type Pairs = Array<[string, string]>;
const nowSec = () => Math.floor(Date.now() / 1000);

/** What the storefront script sends, plus what Shopify's proxy adds, in Shopify's order. */
function storefrontPairs(overrides: Record<string, string> = {}): Pairs {
  const p: Record<string, string> = {
    moment: "cart",
    jk: "journey-1",
    cur: "EUR",
    loc: "en",
    dev: "desktop",
    country: "DE",
    ret: "",
    ctags: "",
    c: JSON.stringify([[JACKET.product, JACKET.variant, 1, JACKET.cents, "Northwind", "", [], []]]),
    seen: "",
    dec: "",
    shop: SHOP,
    logged_in_customer_id: "",
    path_prefix: "/apps/moments",
    timestamp: String(nowSec()),
    ...overrides,
  };
  return Object.entries(p);
}

const shopifySignature = appProxySignature;

const get = (pairs: Pairs, signature: string | null) => {
  const q = new URLSearchParams(pairs);
  if (signature !== null) q.append("signature", signature);
  return fetch(`${server.url}/proxy/offers?${q}`, {
    headers: { "User-Agent": BROWSER_UA, Accept: "application/json" },
  });
};
const signedGet = (pairs: Pairs) => get(pairs, shopifySignature(pairs));

describe("GET /proxy/offers, signed like Shopify's app proxy", () => {
  it("GIVEN a valid signature and the jacket in the cart WHEN the cart moment is asked THEN 200 with the engine's care-kit offer", async () => {
    const res = await signedGet(storefrontPairs());
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = (await res.json()) as WireResponse;
    expect(body.moment).toBe("cart");
    expect(body.offers).toHaveLength(1);
    expect(body.offers[0]).toMatchObject({ id: "off_kit", price: "€15.20", was: "€19.00", value: 1520, cur: "EUR" });
    expect(body.offers[0]!.lines).toEqual([
      {
        id: KIT.variant,
        q: 1,
        p: {
          _moments_offer: "off_kit",
          _moments_variant: "",
          _moments_moment: "cart",
          _moments_token: expect.stringMatching(/^off_kit~~cart~/),
        },
      },
    ]);
  });

  it("GIVEN a valid signature WHEN the exit_intent moment is asked THEN the limited-time bundle with its end time and experiment arm", async () => {
    const res = await signedGet(storefrontPairs({ moment: "exit_intent" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as WireResponse;
    expect(body.offers.map((o) => [o.id, o.price, o.was, o.exp, o.arm])).toEqual([
      ["off_bundle", "€45.00", "€60.00", "exp_bundle", "A"],
    ]);
    expect(body.offers[0]!.ends).toBeGreaterThan(Date.now());
  });

  it("GIVEN the exit-intent bundle runs an experiment WHEN the proxy decides THEN it logs the buyer's exposure itself, with the deterministic id, and answers no exposures to the script", async () => {
    const res = await signedGet(storefrontPairs({ moment: "exit_intent", jk: "journey-exposed" }));
    const body = (await res.json()) as WireResponse & { exposures?: unknown };
    expect(body.offers.map((o) => o.id)).toEqual(["off_bundle"]);
    expect(body.exposures).toBeUndefined();
    const rows = await db.prisma.event.findMany({ where: { type: "exposure", journeyKey: "journey-exposed" } });
    expect(rows).toEqual([
      expect.objectContaining({
        clientEventId: exposureEventId("exp_bundle", 1, "journey-exposed"),
        surface: "storefront",
        moment: "exit_intent",
        offerId: "off_bundle",
        experimentId: "exp_bundle",
        arm: "variant",
        armId: "A",
      }),
    ]);
  });

  it("GIVEN the buyer declined the bundle WHEN exit intent asks again THEN nothing is offered", async () => {
    const body = (await (
      await signedGet(storefrontPairs({ moment: "exit_intent", dec: "off_bundle" }))
    ).json()) as WireResponse;
    expect(body.offers).toEqual([]);
  });

  it("GIVEN the same signed parameters sent in a different order in the URL WHEN requested THEN 200 (the signature covers the sorted set, not the URL order)", async () => {
    const pairs = storefrontPairs();
    const signature = shopifySignature(pairs);
    expect((await get([...pairs].reverse(), signature)).status).toBe(200);
  });

  it("GIVEN a signed request inside the 90 s window (60 s old) WHEN requested THEN 200", async () => {
    expect((await signedGet(storefrontPairs({ timestamp: String(nowSec() - 60) }))).status).toBe(200);
  });

  it("GIVEN a shop that never installed the app WHEN it asks, correctly signed THEN 200 with no offers", async () => {
    const res = await signedGet(storefrontPairs({ shop: "stranger.myshopify.com" }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as WireResponse).offers).toEqual([]);
  });

  it("GIVEN a valid signature but a moment the storefront does not serve WHEN requested THEN 400 with the reason", async () => {
    const res = await signedGet(storefrontPairs({ moment: "checkout" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^moment/);
  });
});

describe("refused with 401", () => {
  it("GIVEN a signature made with another secret (forged) WHEN requested THEN 401", async () => {
    const pairs = storefrontPairs();
    expect((await get(pairs, shopifySignature(pairs, "not-the-app-secret"))).status).toBe(401);
  });

  it("GIVEN a signature that is not even hex WHEN requested THEN 401", async () => {
    expect((await get(storefrontPairs(), "forged")).status).toBe(401);
  });

  it("GIVEN no signature parameter WHEN requested THEN 401", async () => {
    expect((await get(storefrontPairs(), null)).status).toBe(401);
  });

  it("GIVEN an empty signature parameter WHEN requested THEN 401", async () => {
    expect((await get(storefrontPairs(), "")).status).toBe(401);
  });

  it("GIVEN a valid signature WHEN a signed value is changed afterwards (moment cart -> exit_intent) THEN 401", async () => {
    const pairs = storefrontPairs();
    const signature = shopifySignature(pairs);
    const tampered = pairs.map(([k, v]): [string, string] => [k, k === "moment" ? "exit_intent" : v]);
    expect((await get(tampered, signature)).status).toBe(401);
  });

  it("GIVEN a signature computed over the parameters in request order (unsorted) instead of sorted by key WHEN requested THEN 401", async () => {
    const pairs = storefrontPairs();
    const unsorted = createHmac("sha256", TEST_API_SECRET)
      .update(pairs.map(([k, v]) => `${k}=${v}`).join(""))
      .digest("hex");
    expect(unsorted).not.toBe(shopifySignature(pairs)); // the request order really differs from sorted
    expect((await get(pairs, unsorted)).status).toBe(401);
  });

  it("GIVEN a valid signature WHEN two signed values are swapped between keys (moment <-> cur) THEN 401", async () => {
    const pairs = storefrontPairs();
    const signature = shopifySignature(pairs);
    const swapped = pairs.map(([k, v]): [string, string] => [k, k === "moment" ? "EUR" : k === "cur" ? "cart" : v]);
    expect((await get(swapped, signature)).status).toBe(401);
  });

  it("GIVEN a valid signature WHEN a parameter is added that was not signed THEN 401", async () => {
    const pairs = storefrontPairs();
    const signature = shopifySignature(pairs);
    expect((await get([...pairs, ["dev", "mobile"]], signature)).status).toBe(401);
  });

  it("GIVEN a correctly signed request 91 s old (stale timestamp) WHEN requested THEN 401", async () => {
    expect((await signedGet(storefrontPairs({ timestamp: String(nowSec() - 91) }))).status).toBe(401);
  });

  it("GIVEN a correctly signed request from 10 minutes ago (a replay) WHEN requested THEN 401", async () => {
    expect((await signedGet(storefrontPairs({ timestamp: String(nowSec() - 600) }))).status).toBe(401);
  });

  it("GIVEN a correctly signed request dated 5 minutes in the future WHEN requested THEN 401", async () => {
    expect((await signedGet(storefrontPairs({ timestamp: String(nowSec() + 300) }))).status).toBe(401);
  });

  it("GIVEN a correctly signed request without a timestamp WHEN requested THEN 401", async () => {
    const pairs = storefrontPairs().filter(([k]) => k !== "timestamp");
    expect((await signedGet(pairs)).status).toBe(401);
  });

  it("GIVEN two signature parameters (one valid) WHEN requested THEN 401", async () => {
    const pairs = storefrontPairs();
    const q = new URLSearchParams(pairs);
    q.append("signature", shopifySignature(pairs));
    q.append("signature", "0".repeat(64));
    const res = await fetch(`${server.url}/proxy/offers?${q}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(401);
  });
});

describe("decideStorefront (what the proxy answers, in process)", () => {
  const jpyOffer = (id: string, holdoutBps: number): Offer => ({
    id,
    status: "active",
    type: "product",
    moments: ["cart"],
    priority: 1,
    items: [
      {
        productId: "gid://shopify/Product/2001",
        variantId: "gid://shopify/ProductVariant/20011",
        quantity: 1,
        prices: { JPY: 1500 },
      },
    ],
    copy: { en: { title: "Add a kit" } },
    targeting: { subtotal: { JPY: { min: 10000 } } },
    experiment: { id: `exp_${id}`, holdoutBps, variants: [{ id: "A", weight: 1 }] },
  });
  const payloadOf = (offers: Offer[]) => {
    const d = decodePayload(encodePayload(offers, { journeyCap: 3, defaultLocale: "en" }, Date.now()));
    if (!d.ok) throw new Error(d.error.message);
    return d.payload;
  };
  const query = (cents: number) =>
    StorefrontQuery.parse({
      moment: "cart",
      jk: "j1",
      cur: "JPY",
      c: JSON.stringify([[JACKET.product, JACKET.variant, 1, cents]]),
    });

  it("GIVEN a JPY cart from the Cart AJAX API (hundredths: ¥12,000 = 1200000) WHEN decided THEN the engine sees ¥12,000 and prices in yen", () => {
    const r = decideStorefront(payloadOf([jpyOffer("off_jpy", 0)]), query(1_200_000), Date.now());
    expect(r.offers.map((o) => [o.id, o.value, o.cur, o.price])).toEqual([["off_jpy", 1500, "JPY", "¥1,500"]]);
    // ¥9,000 is under the offer's ¥10,000 minimum: misreading hundredths as yen would show it.
    expect(decideStorefront(payloadOf([jpyOffer("off_jpy", 0)]), query(900_000), Date.now()).offers).toEqual([]);
  });

  it("GIVEN the buyer falls in the hold-out WHEN decided THEN nothing is shown and the hold-out's exposure is there to log", () => {
    const r = decideStorefront(payloadOf([jpyOffer("off_held", 10_000)]), query(1_200_000), Date.now());
    expect(r.offers).toEqual([]);
    expect(r.exposures).toEqual([
      {
        experimentId: "exp_off_held",
        version: 1,
        offerId: "off_held",
        moment: "cart",
        arm: "holdout",
        slot: 1,
        cartMinor: 12_000,
        currency: "JPY",
      },
    ]);
  });

  it("GIVEN place 1 is held out and place 2 has an offer (limit 2) WHEN decided THEN the storefront's one placement shows nothing", () => {
    const held = jpyOffer("off_held", 10_000);
    const next: Offer = {
      ...jpyOffer("off_next", 0),
      priority: 0,
      experiment: undefined,
      items: [
        { ...held.items[0]!, productId: "gid://shopify/Product/2002", variantId: "gid://shopify/ProductVariant/20021" },
      ],
    };
    const d = decodePayload(
      encodePayload([held, next], { journeyCap: 3, defaultLocale: "en", momentLimits: { cart: 2 } }, Date.now()),
    );
    if (!d.ok) throw new Error(d.error.message);
    const r = decideStorefront(d.payload, query(1_200_000), Date.now());
    expect(r.offers).toEqual([]);
    expect(r.exposures.map((x) => [x.offerId, x.arm, x.slot])).toEqual([["off_held", "holdout", 1]]);
  });
});
