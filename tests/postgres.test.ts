import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { createPrisma, dialectOf } from "~/db.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { dashboardData } from "~/measurement/dashboard.server";
import { claimBatch } from "~/email/outbox.server";
import { ROOT } from "./support/paths";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET } from "./support/server";
import { deliverWebhook } from "./support/webhooks";
import { freshPostgresDatabase, startPostgres, type PostgresCluster, type PostgresDatabase } from "./support/postgres";
import { orderPayload, parsedOrder, schedule, seedEmailShop, startSmtp } from "./email.fixtures";

/**
 * The scale path (docs/decisions/002-database.md): the same app on a real PostgreSQL server,
 * migrated by scripts/migrate-postgres.mjs. PostgreSQL must be installed; these tests fail, not
 * skip, without it.
 */
const HOUR = 3_600_000;
const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = "2026-11-20";
const WORKER = path.join(ROOT, "scripts/email-worker.mjs");

let cluster: PostgresCluster;
const opened: PostgresDatabase[] = [];
const fresh = async (label: string) => {
  const db = await freshPostgresDatabase(cluster, label);
  opened.push(db);
  return db;
};

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  for (const db of opened) await db.prisma.$disconnect();
  cluster?.stop();
});

describe("migrations (scripts/migrate-postgres.mjs)", () => {
  it("GIVEN a migrated database WHEN the migrations run again THEN nothing is applied twice and every app table exists", async () => {
    const db = await fresh("migrate");
    const again = execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate-postgres.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url }, encoding: "utf8" });
    expect(again).toMatch(/up to date/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const tables = (await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).rows.map((r) => r.table_name as string);
    await client.end();
    expect(tables).toEqual(expect.arrayContaining(["Shop", "Offer", "Event", "MomentDaily", "ExperimentDaily", "OutboxMessage", "Session", "_moments_migrations"]));
  });
});

describe("the data layer on PostgreSQL", () => {
  it("GIVEN a postgresql:// URL WHEN the app picks its dialect THEN it is postgresql (file: stays sqlite)", () => {
    expect(dialectOf(cluster.urlFor("x"))).toBe("postgresql");
    expect(dialectOf("postgres://u@h/db")).toBe("postgresql");
    expect(dialectOf("file:./dev.db")).toBe("sqlite");
  });

  it("GIVEN a shop with an offer WHEN events are ingested twice and an order is attributed THEN the roll-ups (raw insert-or-increment SQL) count each event once", async () => {
    const { prisma } = await fresh("data");
    const shop = await prisma.shop.create({ data: { domain: "pg.myshopify.com", name: "PG", currency: "USD", settings: { create: {} } } });
    const offer = await prisma.offer.create({
      data: { shopId: shop.id, name: "Warranty", type: "warranty", status: "active", definition: "{}", moments: { create: [{ moment: "checkout" }] } },
    });
    const events = Array.from({ length: 30 }, (_, i) => ({
      id: randomUUID(),
      type: i % 3 === 0 ? "accept" : "impression",
      moment: "checkout",
      surface: "checkout",
      journeyKey: `j-${i % 10}`,
      offerId: offer.id,
      device: "mobile",
      country: "US",
      occurredAt: NOW.getTime(),
      ...(i % 3 === 0 ? { valueMinor: 1999, currency: "USD" } : {}),
    }));
    const first = await ingestEvents(prisma, shop.id, events, NOW);
    const second = await ingestEvents(prisma, shop.id, events, NOW);
    expect(first.every((r) => r.status === "accepted")).toBe(true);
    expect(second.every((r) => r.status === "duplicate")).toBe(true);
    expect(await prisma.event.count({ where: { shopId: shop.id } })).toBe(30);
    const rollup = await prisma.momentDaily.findMany({ where: { shopId: shop.id } });
    expect(rollup.reduce((n, r) => n + Number(r.views), 0)).toBe(20);
    expect(rollup.reduce((n, r) => n + Number(r.accepts), 0)).toBe(10);

    const order = { ...parsedOrder("pg.myshopify.com", { id: 7001 }), attributes: { [JOURNEY_ATTRIBUTE]: "j-0" } };
    await prisma.$transaction((tx) => attributeOrder(tx, { shopId: shop.id, shopDomain: "pg.myshopify.com", orderRowId: "row", order }));
    const d = await dashboardData(prisma, shop.id, { from: DAY, to: DAY });
    expect(d.currency).toBe("USD");
    expect(d.offers.find((o) => o.offerId === offer.id)).toMatchObject({ accepts: 10 });
  });
});

describe("the email outbox on PostgreSQL (FOR UPDATE SKIP LOCKED)", () => {
  it("GIVEN 40 due messages WHEN two claims of 15 race on two clients THEN each takes 15, none is claimed by both, and a third gets the last 10", async () => {
    const db = await fresh("claim");
    const { shop } = await seedEmailShop(db.prisma, "claim.myshopify.com", { isDemo: true });
    const past = new Date(Date.now() - 73 * HOUR);
    for (let i = 0; i < 40; i++) await schedule(db.prisma, shop, parsedOrder(shop.domain, { id: 30_000 + i, email: `b${i}@example.com`, customerId: 40_000 + i }), past);
    const second = createPrisma(db.url);
    try {
      const now = new Date();
      const [a, b] = await Promise.all([claimBatch(db.prisma, "postgresql", "a", now, 15, 60_000), claimBatch(second, "postgresql", "b", now, 15, 60_000)]);
      expect([a.length, b.length]).toEqual([15, 15]);
      const ids = [...a, ...b].map((r) => r.id);
      expect(new Set(ids).size).toBe(30);
      const third = await claimBatch(second, "postgresql", "c", now, 15, 60_000);
      expect(third).toHaveLength(10);
      expect(third.every((r) => !ids.includes(r.id))).toBe(true);
    } finally {
      await second.$disconnect();
    }
  });

  it("GIVEN 40 due messages WHEN two worker processes drain the outbox at once THEN each message reaches the SMTP server exactly once", async () => {
    const db = await fresh("outbox");
    const { shop } = await seedEmailShop(db.prisma, "outbox.myshopify.com", { isDemo: true });
    const past = new Date(Date.now() - 73 * HOUR);
    for (let i = 0; i < 40; i++) await schedule(db.prisma, shop, parsedOrder(shop.domain, { id: 10_000 + i, email: `buyer${i}@example.com`, customerId: 20_000 + i }), past);
    execFileSync(process.execPath, [WORKER, "--build-only"], { cwd: ROOT, env: { ...process.env }, stdio: "inherit" });
    // A slow SMTP server (80 ms a message) so that one worker cannot drain all 40 before the other starts.
    const smtp = await startSmtp({ onData: () => new Promise<void>((resolve) => setTimeout(resolve, 80)) });
    try {
      const run = () =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(process.execPath, [WORKER, "--no-build"], {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH ?? "",
              HOME: process.env.HOME ?? "",
              MOMENTS_TEST_SLOT: process.env.MOMENTS_TEST_SLOT ?? "",
              DATABASE_URL: db.url,
              SMTP_URL: smtp.url,
              SHOPIFY_APP_URL: "https://moments.test",
              SHOPIFY_API_SECRET: TEST_API_SECRET,
              EMAIL_BATCH: "5",
              EMAIL_POLL_MS: "50",
              EMAIL_UNTIL_IDLE: "1",
            } as unknown as NodeJS.ProcessEnv,
            stdio: ["ignore", "pipe", "pipe"],
          });
          let output = "";
          child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
          child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
          child.once("exit", (code) => resolve({ code, output }));
        });
      const [one, two] = await Promise.all([run(), run()]);
      expect(one.code, one.output).toBe(0);
      expect(two.code, two.output).toBe(0);
      // Both workers took part (each printed at least one claim), or the race proved nothing.
      expect(one.output, `${one.output}\n---\n${two.output}`).toMatch(/claimed [1-9]/);
      expect(two.output, `${one.output}\n---\n${two.output}`).toMatch(/claimed [1-9]/);
      const rows = await db.prisma.outboxMessage.findMany();
      expect(rows).toHaveLength(40);
      expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
      const ids = smtp.received.map((m) => m.messageId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.messageId)));
    } finally {
      await smtp.close();
    }
  });
});

describe("the built server on PostgreSQL", () => {
  it("GIVEN DATABASE_URL=postgresql://... WHEN the server starts THEN /healthz answers 200 and a signed orders/create is stored with its follow-up email", async () => {
    const db = await fresh("server");
    const { shop } = await seedEmailShop(db.prisma, "served.myshopify.com");
    const server = await startServer({ ...realModeEnv(db.url), EMAIL_WORKER: "off" });
    try {
      const health = await fetch(`${server.url}/healthz`, { headers: { "User-Agent": BROWSER_UA } });
      expect(health.status, server.output()).toBe(200);
      const delivered = await deliverWebhook(server.url, {
        topic: "orders/create",
        shop: shop.domain,
        body: JSON.stringify(orderPayload(shop.domain, { id: 9001 })),
        secret: TEST_API_SECRET,
        webhookId: randomUUID(),
      });
      expect(delivered.status, server.output()).toBe(200);
      expect(await db.prisma.order.count({ where: { shopId: shop.id } })).toBe(1);
      expect(await db.prisma.outboxMessage.count({ where: { shopId: shop.id, orderShopifyId: "gid://shopify/Order/9001" } })).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
