/**
 * The completion guardrail of offers shown before the checkout (decision 035), end to end on a
 * real database (SQLite, and PostgreSQL through vitest.postgres.config.ts): simulated buyers get
 * the cart and exit-intent decisions from the built server's app proxy (signed like Shopify's, the
 * proxy logging their exposures, hold-out included), the storefront script's own `tagCart` and
 * `keepArms` put the journey key and the arms on the cart, and the checkout extension's core reads
 * them back (`storefrontArms`, for pinning) and reports the journey as reached
 * (`checkoutReachedEvent`, POST /api/events with session tokens, from two steps); orders arrive as
 * signed orders/create webhooks; then the daily job runs in-process.
 *
 * Planted truth (the buyers'): "Risky cart add-on" (in-cart) makes its treated buyers complete
 * the checkout they reached 30 points less often (60% vs 90%); "Neutral cart cable" (in-cart) and
 * "Calm exit offer" (exit intent) change nothing (A/A). 15% of buyers never reach the checkout (they
 * are no checkouts at all). The `_moments_arms` cart write is lost for 40% of the cable's hold-out
 * journeys (buyers shown nothing, gone before the script's write lands) and never for its treated
 * ones: the reached count must not depend on it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Shop } from "@prisma/client";
import type { MomentId } from "@moments/engine";
import { mulberry32 } from "@moments/stats";
import { ARMS_ATTR } from "@moments/contracts";
import { checkoutReachedEvent, pinKey, storefrontArms } from "@moments/surfaces/checkout";
import { JOURNEY_ATTR, keepArms, tagCart } from "../packages/storefront/src/journey";
import type { WireResponse } from "../packages/storefront/src/wire";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { saveOfferForm } from "~/offers/offers.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { completionDays, runShopGuardrail, type PauseEvidence } from "~/guardrail/guardrail.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import {
  BROWSER_UA,
  realModeEnv,
  startServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type RunningServer,
} from "./support/server";
import { appProxySignature } from "./support/shopify-signing";
import { deliverWebhook, samplePayload } from "./support/webhooks";

const BUYERS = 900;

let db: TestDatabase;
let server: RunningServer;
let shop: Shop;
let gateway: ShopGateway;
const KINDS = ["harmful", "neutral", "harmless"] as const;
type Kind = (typeof KINDS)[number];
const offers: Record<Kind, string> = { harmful: "", neutral: "", harmless: "" };
const experiments: Record<Kind, string> = { harmful: "", neutral: "", harmless: "" };
/** Per experiment and side: journeys that reached the checkout, completed, and whose cart still carried the arm. */
const side = () => ({ exposed: 0, reached: 0, completed: 0, carried: 0 });
const truth = Object.fromEntries(KINDS.map((k) => [k, { treated: side(), holdout: side() }])) as Record<
  Kind,
  { treated: ReturnType<typeof side>; holdout: ReturnType<typeof side> }
>;
const counts = { proxyArms: 0, reached: 0, lostWrites: 0 };
let run: Awaited<ReturnType<typeof runShopGuardrail>>;
const NOW = () => new Date(Date.now() + 2 * 3600_000);

const sessionToken = (domain: string) =>
  new SignJWT({ dest: `https://${domain}`, aud: TEST_API_KEY, sub: "gid://shopify/Customer/1" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setNotBefore(Math.floor(Date.now() / 1000) - 5)
    .setExpirationTime("5m")
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(TEST_API_SECRET));

async function save(name: string, moment: MomentId, productTitle: string): Promise<string> {
  const catalog = await gateway.searchProducts("", 50);
  const p = catalog.find((x) => x.title.includes(productTitle))!;
  const form: OfferForm = emptyOfferForm(["EUR", "USD"]);
  form.name = name;
  form.moments = [moment];
  form.items = [{ productId: p.id, variantId: p.variants[0]!.id, quantity: "1", title: p.title }];
  form.copy.en!.title = name;
  form.experiment = {
    enabled: true,
    holdoutPct: "50",
    variants: [{ id: "", name: "Offer", weight: "1", title: "", body: "", discountPercent: "", design: "" }],
  };
  const saved = await saveOfferForm(db.prisma, shop, gateway, null, form);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return saved.id;
}

function orderBody(n: number, journeyKey: string) {
  const payload = samplePayload("orders/create", shop.domain) as Record<string, unknown> & {
    line_items: Array<Record<string, unknown>>;
  };
  const money = {
    shop_money: { amount: "100.00", currency_code: "EUR" },
    presentment_money: { amount: "100.00", currency_code: "EUR" },
  };
  const at = new Date().toISOString();
  Object.assign(payload, {
    id: 8_000_000 + n,
    admin_graphql_api_id: `gid://shopify/Order/${8_000_000 + n}`,
    processed_at: at,
    created_at: at,
    test: false,
    currency: "EUR",
    checkout_token: `ct-${journeyKey}`,
    note_attributes: [{ name: JOURNEY_ATTRIBUTE, value: journeyKey }],
    total_price_set: money,
    subtotal_price_set: money,
  });
  payload.line_items = payload.line_items.slice(0, 1).map((l) => ({ ...l, properties: [] }));
  return JSON.stringify(payload);
}

/** The storefront script's request, as Shopify's app proxy forwards it (signed). */
async function askProxy(moment: "cart" | "exit_intent", jk: string, cart: unknown[]): Promise<WireResponse> {
  const pairs: Array<[string, string]> = Object.entries({
    moment,
    jk,
    cur: "EUR",
    loc: "en",
    dev: "desktop",
    country: "DE",
    ret: "",
    ctags: "",
    c: JSON.stringify([cart]),
    seen: "",
    dec: "",
    shop: shop.domain,
    logged_in_customer_id: "",
    path_prefix: "/apps/moments",
    timestamp: String(Math.floor(Date.now() / 1000)),
  });
  const q = new URLSearchParams(pairs);
  q.append("signature", appProxySignature(pairs));
  const res = await fetch(`${server.url}/proxy/offers?${q}`, {
    headers: { "User-Agent": BROWSER_UA, Accept: "application/json" },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as WireResponse;
}

beforeAll(async () => {
  db = freshDatabase("guardrail-storefront");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.update({ where: { id: shopId }, data: { currency: "EUR" } });
  gateway = demoGateway(db.prisma, shop.id);
  // Only these two offers are live: every buyer's cart and exit intent decide exactly these.
  await db.prisma.offer.updateMany({ where: { shopId }, data: { status: "paused" } });
  // Both cart offers in every cart: two places in the cart.
  await db.prisma.momentSetting.upsert({
    where: { shopId_moment: { shopId, moment: "cart" } },
    create: { shopId, moment: "cart", maxOffers: 2 },
    update: { enabled: true, maxOffers: 2 },
  });
  offers.harmful = await save("Risky cart add-on", "cart", "Storage Case");
  offers.neutral = await save("Neutral cart cable", "cart", "Braided Audio Cable");
  offers.harmless = await save("Calm exit offer", "exit_intent", "Storage Case");
  for (const k of KINDS)
    experiments[k] = (await db.prisma.experiment.findFirstOrThrow({ where: { offerId: offers[k] } })).id;
  const payload = (await getPublishedPayload(db.prisma, shop.id))!;
  expect(payload.offers.map((o) => o.id).sort()).toEqual(Object.values(offers).sort());
  server = await startServer(realModeEnv(db.url));

  const catalog = await gateway.searchProducts("", 50);
  const main = catalog.find((x) => !x.title.includes("Storage Case"))!;
  const num = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));
  const cart = [num(main.id), num(main.variants[0]!.id), 1, 10000, main.vendor, "", [], []];
  const events: Array<Record<string, unknown>> = [];
  const orders: string[] = [];
  const armKey = (k: Kind) => pinKey(experiments[k], 1);
  for (let i = 0; i < BUYERS; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, BUYERS - i) }, async (_, j) => {
        const n = i + j;
        const jk = `sfguard-${String(n).padStart(6, "0")}`;
        // Per buyer: the draws never depend on how the concurrent buyers interleave.
        const random = mulberry32(3_500_000 + n);
        // The script: the journey key on page load, then each moment's answer and its arms on the
        // cart (cart/update.js captured; an arms write can be lost, see below).
        const cartAttributes: Record<string, string> = {};
        let losesArms = false;
        const post = async (_path: string, body: unknown) => {
          const attributes = (body as { attributes: Record<string, string> }).attributes;
          if (!(losesArms && ARMS_ATTR in attributes)) Object.assign(cartAttributes, attributes);
          return { ok: true };
        };
        const ls = new Map<string, string>();
        const store = {
          getItem: (k: string) => ls.get(k) ?? null,
          setItem: (k: string, v: string) => void ls.set(k, v),
        };
        expect(await tagCart(post, store, jk, undefined)).toBe(true);
        const decided: Record<string, string> = {};
        for (const moment of ["cart", "exit_intent"] as const) {
          const r = await askProxy(moment, jk, cart);
          counts.proxyArms += r.arms?.length ?? 0;
          for (const a of r.arms ?? []) decided[a.slice(0, a.lastIndexOf(":"))] = a.slice(a.lastIndexOf(":") + 1);
          // A hold-out buyer of the cable sees nothing and may leave before the write lands.
          if (moment === "cart" && decided[armKey("neutral")] === "holdout" && random() < 0.4) {
            losesArms = true;
            counts.lostWrites++;
          }
          await keepArms(post, store, jk, r.arms);
        }
        for (const k of KINDS) truth[k][decided[armKey(k)] === "holdout" ? "holdout" : "treated"].exposed++;
        if (random() >= 0.85) return; // never reached the checkout
        // The checkout: the cart's attributes, read as the extension reads them; it reports the
        // journey reached from two steps (one event: the id is the journey's).
        expect(cartAttributes[JOURNEY_ATTR]).toBe(jk);
        const arms = storefrontArms(cartAttributes[ARMS_ATTR], cartAttributes[JOURNEY_ATTR]!);
        counts.reached++;
        // The extension's queue stamps occurredAt when it sends.
        for (const step of ["information", "payment"] as const)
          events.push({ ...checkoutReachedEvent(cartAttributes[JOURNEY_ATTR]!, step), occurredAt: Date.now() });
        const harmed = decided[armKey("harmful")] !== "holdout";
        const done = random() < (harmed ? 0.6 : 0.9);
        for (const k of KINDS) {
          const t = truth[k][decided[armKey(k)] === "holdout" ? "holdout" : "treated"];
          t.reached++;
          if (done) t.completed++;
          if (arms?.[armKey(k)] === decided[armKey(k)]) t.carried++;
        }
        if (done) orders.push(orderBody(n, jk));
      }),
    );
  }
  for (let i = 0; i < events.length; i += 50) {
    const res = await fetch(`${server.url}/api/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await sessionToken(shop.domain)}` },
      body: JSON.stringify({ events: events.slice(i, i + 50) }),
    });
    expect(res.status).toBe(200);
    const results = ((await res.json()) as { results: Array<{ status: string; reason?: string }> }).results;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(results.filter((r) => r.status === "accepted")).toHaveLength(
      events.slice(i, i + 50).filter((e) => e.moment === "information").length,
    );
  }
  for (let i = 0; i < orders.length; i += 8)
    await Promise.all(
      orders.slice(i, i + 8).map(async (body) => {
        const res = await deliverWebhook(server.url, {
          topic: "orders/create",
          shop: shop.domain,
          body,
          secret: TEST_API_SECRET,
        });
        expect(res.status).toBe(200);
      }),
    );
  run = await runShopGuardrail(db.prisma, shop, { gateway, transport: null, now: NOW() });
}, 600_000);
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

/** POST /api/events with a session token: the results. */
async function postEvents(events: Array<Record<string, unknown>>) {
  const res = await fetch(`${server.url}/api/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await sessionToken(shop.domain)}` },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ status: string; reason?: string }> }).results;
}

/** Reached and completed per side over a version's days. */
const totals = (days: Awaited<ReturnType<typeof completionDays>>) =>
  days.reduce(
    (t, d) => ({
      treated: { reached: t.treated.reached + d.treatedReached, completed: t.treated.completed + d.treatedCompleted },
      holdout: { reached: t.holdout.reached + d.holdoutReached, completed: t.holdout.completed + d.holdoutCompleted },
    }),
    { treated: { reached: 0, completed: 0 }, holdout: { reached: 0, completed: 0 } },
  );

describe("the completion guardrail of pre-checkout offers", () => {
  it("GIVEN the storefront's answers WHEN buyers reach the checkout THEN every experiment was decided for every buyer and the cable's hold-out lost arms writes", () => {
    expect(counts.proxyArms).toBe(3 * BUYERS);
    for (const k of KINDS) expect(truth[k].treated.exposed + truth[k].holdout.exposed).toBe(BUYERS);
    expect(counts.lostWrites).toBeGreaterThan(0);
    // What the per-arm reports of before would have seen: the treated arm carried in every time,
    // the hold-out's only when its write landed.
    const cable = truth.neutral;
    expect(cable.treated.carried).toBe(cable.treated.reached);
    expect(cable.holdout.carried).toBeLessThan(0.75 * cable.holdout.reached);
  });

  it("GIVEN an in-cart offer whose treated buyers complete the checkout 30 points less often WHEN the daily job runs THEN it is paused with the evidence of the checkouts its buyers reached", async () => {
    expect(run.paused).toEqual([offers.harmful]);
    expect((await db.prisma.offer.findUniqueOrThrow({ where: { id: offers.harmful } })).status).toBe("paused");
    const event = await db.prisma.guardrailEvent.findFirstOrThrow({
      where: { offerId: offers.harmful, kind: "paused" },
    });
    const e = JSON.parse(event.evidence) as PauseEvidence;
    console.log(
      `in-cart offer paused: ${e.treated.completed}/${e.treated.reached} vs hold-out ${e.holdout.completed}/${e.holdout.reached}, difference ${e.differencePoints.toFixed(1)} points, interval ${e.lowerPoints.toFixed(1)} to ${e.upperPoints.toFixed(1)}, p ${e.pValue.toPrecision(2)}`,
    );
    const t = truth.harmful;
    expect(e.treated.reached).toBe(t.treated.reached);
    expect(e.holdout.reached).toBe(t.holdout.reached);
    expect(e.treated.completed).toBe(t.treated.completed);
    expect(e.holdout.completed).toBe(t.holdout.completed);
    expect(e.upperPoints).toBeLessThan(0);
    expect(e.pValue).toBeLessThanOrEqual(0.01);
    // The buyers who never reached the checkout are no checkouts: only the reached ones count.
    const exposed = await db.prisma.experimentExposure.count({ where: { experimentId: experiments.harmful } });
    expect(exposed).toBe(BUYERS);
    expect(e.treated.reached + e.holdout.reached).toBe(counts.reached);
    expect(counts.reached).toBeLessThan(BUYERS);
  });

  it("GIVEN an A/A in-cart offer whose hold-out buyers' arms writes are lost 40% of the time WHEN the daily job runs THEN it stays live and both sides' reached checkouts are counted alike", async () => {
    expect((await db.prisma.offer.findUniqueOrThrow({ where: { id: offers.neutral } })).status).toBe("active");
    expect(await db.prisma.guardrailEvent.count({ where: { offerId: offers.neutral } })).toBe(0);
    const got = totals(await completionDays(db.prisma, shop.id, experiments.neutral, 1, NOW(), { storefront: true }));
    const t = truth.neutral;
    expect(got.treated).toEqual({ reached: t.treated.reached, completed: t.treated.completed });
    expect(got.holdout).toEqual({ reached: t.holdout.reached, completed: t.holdout.completed });
    const rate = (s: { exposed: number }, reached: number) => reached / s.exposed;
    const treatedRate = rate(t.treated, got.treated.reached);
    const holdoutRate = rate(t.holdout, got.holdout.reached);
    const oldHoldoutRate = rate(t.holdout, t.holdout.carried);
    console.log(
      `A/A in-cart: reached ${(100 * treatedRate).toFixed(1)}% of ${t.treated.exposed} treated vs ${(100 * holdoutRate).toFixed(1)}% of ${t.holdout.exposed} hold-out (the lost-write signal: ${(100 * oldHoldoutRate).toFixed(1)}%)`,
    );
    // Both sides reach the checkout alike (85%): 0.1 is over four standard errors at 450 a side.
    expect(Math.abs(treatedRate - holdoutRate)).toBeLessThan(0.1);
    expect(treatedRate - oldHoldoutRate).toBeGreaterThan(0.2);
  });

  it("GIVEN an exit-intent offer that changes nothing (A/A) WHEN the daily job runs THEN it stays live, its reached checkouts counted all the same", async () => {
    expect((await db.prisma.offer.findUniqueOrThrow({ where: { id: offers.harmless } })).status).toBe("active");
    expect(await db.prisma.guardrailEvent.count({ where: { offerId: offers.harmless } })).toBe(0);
    const got = totals(await completionDays(db.prisma, shop.id, experiments.harmless, 1, NOW(), { storefront: true }));
    expect(got.treated.reached + got.holdout.reached).toBe(counts.reached);
    expect(got.holdout).toEqual({
      reached: truth.harmless.holdout.reached,
      completed: truth.harmless.holdout.completed,
    });
  });

  it("GIVEN the same offers WHEN counted without the storefront's journeys THEN nothing is reached (the checkout-step count alone never saw them)", async () => {
    const days = await completionDays(db.prisma, shop.id, experiments.harmful, 1, NOW());
    expect(days).toEqual([]);
  });

  it("GIVEN a journey the storefront never exposed WHEN its checkout reports it reached THEN the event is kept, yet it is no visitor, no roll-up and no reached checkout", async () => {
    const before = await Promise.all([
      completionDays(db.prisma, shop.id, experiments.neutral, 1, NOW(), { storefront: true }),
      db.prisma.experimentExposure.count({ where: { shopId: shop.id } }),
      db.prisma.experimentDaily.count({ where: { shopId: shop.id } }),
      db.prisma.momentDaily.count({ where: { shopId: shop.id } }),
    ]);
    const ghost = "sfguard-never-shown";
    const results = await postEvents([
      { ...checkoutReachedEvent(ghost, "payment"), occurredAt: Date.now() },
      // A reached report as the checkout sent it before (an exposure at the cart moment): refused.
      {
        id: `r${ghost}`,
        type: "exposure",
        surface: "checkout",
        moment: "cart",
        journeyKey: ghost,
        offerId: offers.neutral,
        experimentId: experiments.neutral,
        version: 1,
        arm: "holdout",
        occurredAt: Date.now(),
      },
      // The journey-level event names no arm.
      { ...checkoutReachedEvent(`${ghost}-2`, "payment"), experimentId: experiments.neutral, occurredAt: Date.now() },
    ]);
    expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "rejected"]);
    expect(results[1]!.reason).toMatch(/^moment: /);
    expect(results[2]!.reason).toMatch(/names no offer, experiment or arm/);
    expect(await db.prisma.event.findMany({ where: { shopId: shop.id, journeyKey: ghost } })).toEqual([
      expect.objectContaining({ type: "checkout_reached", experimentId: null, offerId: null, arm: "none" }),
    ]);
    expect(await db.prisma.experimentExposure.count({ where: { shopId: shop.id, journeyKey: ghost } })).toBe(0);
    const after = await Promise.all([
      completionDays(db.prisma, shop.id, experiments.neutral, 1, NOW(), { storefront: true }),
      db.prisma.experimentExposure.count({ where: { shopId: shop.id } }),
      db.prisma.experimentDaily.count({ where: { shopId: shop.id } }),
      db.prisma.momentDaily.count({ where: { shopId: shop.id } }),
    ]);
    expect(after).toEqual(before);
  });
});
