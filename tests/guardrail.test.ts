/**
 * The completion guardrail and "retire underperformers" (issue 16, decision 031), end to end on a
 * real database (SQLite, and PostgreSQL through vitest.postgres.config.ts): simulated buyers reach
 * the checkout through the checkout extension's own core (`decideView`, `exposureEvents`), their
 * exposures go to the built server's POST /api/events with session tokens, their orders arrive as
 * signed orders/create webhooks; then the daily job runs in-process on the same database.
 *
 * Planted truth (the buyers', not the measurement's): "Risky insurance" (checkout step) makes its
 * treated buyers complete the checkout 30 points less often (60% vs 90%); "Harmless note"
 * (payment step) changes nothing (A/A); "Cheap bundle" (shipping step) keeps completion but its
 * treated buyers' orders are a tenth of the hold-out's: a loser on revenue per visitor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { Shop } from "@prisma/client";
import type { MomentId } from "@moments/engine";
import { mulberry32 } from "@moments/stats";
import { decideView, exposureEvents, type Snapshot } from "@moments/surfaces/checkout";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { saveOfferForm } from "~/offers/offers.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { runShopGuardrail, guardrailNotices, type PauseEvidence } from "~/guardrail/guardrail.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { smtpTransport } from "~/email/transport.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { realModeEnv, startServer, TEST_API_KEY, TEST_API_SECRET, type RunningServer } from "./support/server";
import { deliverWebhook, samplePayload } from "./support/webhooks";
import { startSmtp } from "./email.fixtures";

const BUYERS = 1200;
const MERCHANT = "owner@northfold.example";

let db: TestDatabase;
let server: RunningServer;
let shop: Shop;
let gateway: ShopGateway;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const offers: Record<"harmful" | "harmless" | "loser", string> = { harmful: "", harmless: "", loser: "" };
const truth = { harmful: { treated: 0, treatedDone: 0, holdout: 0, holdoutDone: 0 } };
/** The harmful offer's buyers, by UTC day of their checkout: the truth up to any look. */
const harmfulBuyers: Array<{ day: string; side: "treated" | "holdout"; done: boolean }> = [];
let firstRun: Awaited<ReturnType<typeof runShopGuardrail>>;

const sessionToken = (domain: string) =>
  new SignJWT({ dest: `https://${domain}`, aud: TEST_API_KEY, sub: "gid://shopify/Customer/1" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setNotBefore(Math.floor(Date.now() / 1000) - 5)
    .setExpirationTime("5m")
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(TEST_API_SECRET));

async function save(name: string, moment: MomentId, productTitle: string) {
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

function orderBody(n: number, journeyKey: string, totalMinor: number, at: Date) {
  const payload = samplePayload("orders/create", shop.domain) as Record<string, unknown> & {
    line_items: Array<Record<string, unknown>>;
  };
  const amount = (totalMinor / 100).toFixed(2);
  const money = { shop_money: { amount, currency_code: "EUR" }, presentment_money: { amount, currency_code: "EUR" } };
  payload.id = 7_000_000 + n;
  payload.admin_graphql_api_id = `gid://shopify/Order/${7_000_000 + n}`;
  payload.processed_at = at.toISOString();
  payload.created_at = at.toISOString();
  payload.test = false;
  payload.currency = "EUR";
  payload.checkout_token = `ct-${journeyKey}`;
  payload.note_attributes = [{ name: JOURNEY_ATTRIBUTE, value: journeyKey }];
  payload.total_price_set = money;
  payload.subtotal_price_set = money;
  payload.line_items = payload.line_items.slice(0, 1).map((l) => ({ ...l, properties: [] }));
  return JSON.stringify(payload);
}

beforeAll(async () => {
  db = freshDatabase("guardrail");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.update({ where: { id: shopId }, data: { email: MERCHANT, currency: "EUR" } });
  gateway = demoGateway(db.prisma, shop.id);
  offers.harmful = await save("Risky insurance", "checkout", "Storage Case");
  offers.harmless = await save("Harmless note", "payment", "Storage Case");
  offers.loser = await save("Cheap bundle", "shipping", "Storage Case");
  const payload = (await getPublishedPayload(db.prisma, shop.id))!;
  server = await startServer(realModeEnv(db.url));
  smtp = await startSmtp();

  const catalog = await gateway.searchProducts("", 50);
  const main = catalog.find((x) => !x.title.includes("Storage Case"))!;
  const random = mulberry32(16);
  const start = Date.now() - 3 * 86400_000;
  const events: Array<Record<string, unknown>> = [];
  const orders: string[] = [];
  for (let i = 0; i < BUYERS; i++) {
    const journeyKey = `guard-${i}`;
    const at = start + Math.floor((i / BUYERS) * 2.5 * 86400_000);
    const snapshot: Snapshot = {
      lines: [{ productId: main.id, variantId: main.variants[0]!.id, quantity: 1, unitPrice: 10000, attributes: {} }],
      lineIds: ["gid://shopify/CartLine/0"],
      currency: "EUR",
      subtotal: 10000,
      country: "DE",
      locale: "en",
      device: "desktop",
      returning: false,
    };
    const arms: Record<string, string> = {};
    for (const moment of ["checkout", "shipping", "payment"] as const) {
      const view = decideView({
        payload,
        snapshot,
        moment,
        journeyKey,
        journey: { shown: [], accepted: [], declined: [] },
        now: at,
        slot: 1,
      });
      for (const x of view.exposures) arms[x.offerId] = x.arm;
      for (const e of exposureEvents(view.exposures, journeyKey, "checkout", snapshot))
        events.push({ ...e, occurredAt: at });
    }
    const harmed = arms[offers.harmful] !== undefined && arms[offers.harmful] !== "holdout";
    const done = random() < (harmed ? 0.6 : 0.9);
    if (arms[offers.harmful] !== undefined) {
      const side = harmed ? "treated" : "holdout";
      truth.harmful[side]++;
      if (done) truth.harmful[`${side}Done`]++;
      harmfulBuyers.push({ day: new Date(at).toISOString().slice(0, 10), side, done });
    }
    const cheap = arms[offers.loser] !== undefined && arms[offers.loser] !== "holdout";
    if (done) orders.push(orderBody(i, journeyKey, cheap ? 1000 : 10000, new Date(at + 60_000)));
  }
  for (let i = 0; i < events.length; i += 50) {
    const res = await fetch(`${server.url}/api/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await sessionToken(shop.domain)}` },
      body: JSON.stringify({ events: events.slice(i, i + 50) }),
    });
    expect(res.status).toBe(200);
    const results = ((await res.json()) as { results: Array<{ status: string }> }).results;
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
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

  const transport = smtpTransport(smtp.url, { pool: false });
  try {
    firstRun = await runShopGuardrail(db.prisma, shop, {
      gateway,
      transport,
      now: new Date(Date.now() + 2 * 3600_000),
    });
  } finally {
    transport.close();
  }
}, 300_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  await db?.prisma.$disconnect();
});

const offerStatus = async (id: string) => (await db.prisma.offer.findUniqueOrThrow({ where: { id } })).status;

describe("the completion guardrail", () => {
  it("GIVEN checkouts and orders where the offer's treated buyers complete 30 points less often WHEN the daily job runs THEN the offer is paused with the exact counts as evidence", async () => {
    expect(firstRun.paused).toEqual([offers.harmful]);
    expect(await offerStatus(offers.harmful)).toBe("paused");
    const event = await db.prisma.guardrailEvent.findFirstOrThrow({
      where: { offerId: offers.harmful, kind: "paused" },
    });
    const evidence = JSON.parse(event.evidence) as PauseEvidence;
    // The pausing look may come before the last day: its counts are the buyers' up to that day.
    // (Exact counts, not rates near the planted 60% and 90%: which buyers land in the hold-out
    // follows the experiment's id, new in every run, so the realized rates vary by chance.)
    const upToLook = harmfulBuyers.filter((b) => evidence.day !== null && b.day <= evidence.day);
    const count = (side: "treated" | "holdout") => ({
      reached: upToLook.filter((b) => b.side === side).length,
      completed: upToLook.filter((b) => b.side === side && b.done).length,
    });
    expect(evidence.treated).toEqual(count("treated"));
    expect(evidence.holdout).toEqual(count("holdout"));
    expect(evidence.treated.completed / evidence.treated.reached).toBeLessThan(
      evidence.holdout.completed / evidence.holdout.reached,
    );
    expect(evidence.upperPoints).toBeLessThan(0);
    expect(evidence.differencePoints).toBeLessThan(-1);
    expect(evidence.pValue).toBeLessThanOrEqual(0.01);
    expect(event.reason).toContain("checkouts completed with the offer");
  });

  it("GIVEN the full history WHEN the days are counted THEN every checkout-step exposure of the harmful offer is a reached checkout and every joined order a completion", async () => {
    const { completionDays } = await import("~/guardrail/guardrail.server");
    const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { offerId: offers.harmful } });
    const days = await completionDays(
      db.prisma,
      shop.id,
      experiment.id,
      experiment.version,
      new Date(Date.now() + 2 * 3600_000),
    );
    const sum = (k: "treatedReached" | "treatedCompleted" | "holdoutReached" | "holdoutCompleted") =>
      days.reduce((s, d) => s + d[k], 0);
    expect({
      treated: sum("treatedReached"),
      treatedDone: sum("treatedCompleted"),
      holdout: sum("holdoutReached"),
      holdoutDone: sum("holdoutCompleted"),
    }).toEqual(truth.harmful);
  });

  it("GIVEN an offer that does not change completion (A/A) WHEN the daily job runs THEN it stays live with no notice", async () => {
    expect(await offerStatus(offers.harmless)).toBe("active");
    expect(await db.prisma.guardrailEvent.count({ where: { offerId: offers.harmless } })).toBe(0);
  });

  it("GIVEN the harmful offer was paused WHEN the published payload is read THEN it no longer carries that offer, and still carries the others", async () => {
    const ids = (await getPublishedPayload(db.prisma, shop.id))!.offers.map((o) => o.id);
    expect(ids).not.toContain(offers.harmful);
    expect(ids).toContain(offers.harmless);
  });

  it("GIVEN the shop's email WHEN the offer is paused THEN the merchant receives one email over SMTP naming the offer and the evidence", async () => {
    const toMerchant = smtp.received.filter((m) => m.raw.includes("Risky insurance"));
    expect(toMerchant).toHaveLength(1);
    expect(toMerchant[0]!.to).toEqual([MERCHANT]);
    const raw = toMerchant[0]!.raw.replace(/=\r?\n/g, "");
    expect(raw).toMatch(/Subject: .*paused/);
    expect(raw).toContain("checkouts); hold-out:");
    expect(raw).toContain("always-valid interval");
    const event = await db.prisma.guardrailEvent.findFirstOrThrow({ where: { offerId: offers.harmful } });
    expect(event).toMatchObject({ emailStatus: "sent", emailTo: MERCHANT });
  });

  it("GIVEN the merchant resumed the paused offer WHEN the job runs again THEN it is not paused again on the same version, and no second email goes out", async () => {
    const { setOffersStatus } = await import("~/offers/offers.server");
    await setOffersStatus(db.prisma, shop, gateway, [offers.harmful], "active");
    const sent = smtp.received.length;
    const again = await runShopGuardrail(db.prisma, shop, {
      gateway,
      transport: null,
      now: new Date(Date.now() + 2 * 3600_000),
    });
    expect(again.paused).toEqual([]);
    expect(await offerStatus(offers.harmful)).toBe("active");
    expect(smtp.received.length).toBe(sent);
    // A pause undone says nothing more (its lower revenue may still earn it a loser's proposal: decision 031).
    const kinds = (await guardrailNotices(db.prisma, shop.id, offers.harmful)).map((n) => n.kind);
    expect(kinds).not.toContain("paused");
    await setOffersStatus(db.prisma, shop, gateway, [offers.harmful], "paused");
  });
});

describe("retire underperformers", () => {
  it("GIVEN an offer whose only variant is a loser on revenue per visitor WHEN the daily job runs THEN archiving is proposed in the admin and the offer stays live", async () => {
    expect(firstRun.proposed).toEqual([offers.loser]);
    expect(await offerStatus(offers.loser)).toBe("active");
    const notices = await guardrailNotices(db.prisma, shop.id, offers.loser);
    expect(notices.map((n) => n.kind)).toEqual(["archive_proposed"]);
  });

  it("GIVEN the merchant opted in to archiving losers WHEN the daily job finds a loser THEN it archives the offer itself and republishes without it", async () => {
    await db.prisma.guardrailEvent.deleteMany({ where: { offerId: offers.loser } }); // as before the first run
    await db.prisma.shopSettings.update({ where: { shopId: shop.id }, data: { archiveLosers: true } });
    const r = await runShopGuardrail(db.prisma, shop, {
      gateway,
      transport: null,
      now: new Date(Date.now() + 2 * 3600_000),
    });
    expect(r.archived).toEqual([offers.loser]);
    expect(await offerStatus(offers.loser)).toBe("archived");
    expect((await getPublishedPayload(db.prisma, shop.id))!.offers.map((o) => o.id)).not.toContain(offers.loser);
    const event = await db.prisma.guardrailEvent.findFirstOrThrow({ where: { offerId: offers.loser } });
    expect(event).toMatchObject({ kind: "archived", emailStatus: "no_transport", emailTo: MERCHANT });
  });

  it("GIVEN no email is known for the shop WHEN a notice is recorded THEN it says so (no_address) instead of sending", async () => {
    await db.prisma.shop.update({ where: { id: shop.id }, data: { email: null } });
    await db.prisma.guardrailEvent.deleteMany({ where: { offerId: offers.loser } });
    await db.prisma.offer.update({ where: { id: offers.loser }, data: { status: "active" } });
    await db.prisma.experiment.updateMany({
      where: { offerId: offers.loser },
      data: { status: "running", archivedAt: null },
    });
    const r = await runShopGuardrail(
      db.prisma,
      { ...shop, email: null },
      { gateway, transport: null, now: new Date(Date.now() + 2 * 3600_000) },
    );
    expect(r.archived).toEqual([offers.loser]);
    const event = await db.prisma.guardrailEvent.findFirstOrThrow({ where: { offerId: offers.loser } });
    expect(event.emailStatus).toBe("no_address");
  });
});
