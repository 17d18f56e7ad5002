/**
 * Measurement benchmark: ingestion throughput (events/s into SQLite, batches of 50, through
 * ingestEvents with validation, idempotency and roll-ups) beside a bare insert loop of the same
 * rows; and the dashboard query over roll-ups of 1M events (budget 300 ms) beside the same
 * figures computed from the raw events.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createPrisma } from "~/db.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { dashboardData } from "~/measurement/dashboard.server";
import type { EventSurface } from "@moments/contracts";
import { mulberry32 } from "@moments/stats";
import { percentile, report } from "../lib/report";

const root = process.cwd();
const dir = path.join(root, ".tmp/bench/measurement");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

function migrated(name: string) {
  const file = path.join(dir, `${name}.db`);
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    stdio: "ignore",
  });
  return createPrisma(`file:${file}`);
}

const random = mulberry32(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const MOMENTS = ["cart", "checkout", "shipping", "post_purchase", "thank_you"] as const;
/** The surface that reports each moment's events, as the real ones do (ingestion refuses a checkout exposure at the cart). */
const SURFACE_OF: Record<(typeof MOMENTS)[number], EventSurface> = {
  cart: "storefront",
  checkout: "checkout",
  shipping: "checkout",
  post_purchase: "post_purchase",
  thank_you: "thank_you",
};
const TYPES = ["impression", "impression", "impression", "click", "accept", "decline"] as const;
const COUNTRIES = ["US", "DE", "FR", "GB", "NL", "ES", "IT", "CA", "AU", "SE"] as const;
const DAY_MS = 86400_000;
const NOW = Date.UTC(2026, 10, 24, 12);

function syntheticEvent(i: number, occurredAt: number) {
  const offer = i % 20;
  const experiment = offer < 5;
  const holdout = experiment && random() < 0.1;
  const moment = MOMENTS[offer % MOMENTS.length]!;
  return {
    id: `evt-${i}-${randomUUID().slice(0, 8)}`,
    // A hold-out buyer reports only the exposure (decision 013).
    type: holdout ? "exposure" : pick(TYPES),
    moment,
    surface: SURFACE_OF[moment],
    journeyKey: `journey-${Math.floor(i / 4)}`,
    offerId: `offer-${offer}`,
    experimentId: experiment ? `exp-${offer}` : undefined,
    armId: experiment && !holdout ? `${random() < 0.5 ? "a" : "b"}-${offer}` : undefined,
    arm: experiment ? (holdout ? "holdout" : "variant") : "none",
    device: random() < 0.6 ? "mobile" : "desktop",
    country: pick(COUNTRIES),
    returning: random() < 0.3,
    occurredAt,
  };
}

// --- ingestion throughput ---------------------------------------------------------------------
{
  const prisma = migrated("ingest");
  const shop = await prisma.shop.create({ data: { domain: "bench.myshopify.com", name: "Bench", currency: "USD" } });
  // The experiments the events name, as the admin stores them: ingestion accepts exposures of
  // known experiments, variants and offers only.
  for (let n = 0; n < 5; n++) {
    await prisma.offer.create({
      data: {
        id: `offer-${n}`,
        shopId: shop.id,
        name: `Offer ${n}`,
        type: "product",
        status: "active",
        definition: "{}",
      },
    });
    for (const v of ["a", "b"])
      await prisma.offerVariant.create({ data: { id: `${v}-${n}`, offerId: `offer-${n}`, name: v, weight: 1 } });
    await prisma.experiment.create({
      data: {
        id: `exp-${n}`,
        shopId: shop.id,
        offerId: `offer-${n}`,
        status: "running",
        holdoutBps: 1000,
        startedAt: new Date(NOW - 30 * DAY_MS),
      },
    });
  }
  const BATCHES = 100;
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: 50 }, (_, i) => syntheticEvent(b * 50 + i, NOW - Math.floor(random() * DAY_MS))),
  );
  const now = new Date(NOW);
  await ingestEvents(
    prisma,
    shop.id,
    batches[0]!.map((e) => ({ ...e, id: `warm-${e.id}` })),
    now,
  );
  const t0 = performance.now();
  let accepted = 0;
  for (const batch of batches)
    accepted += (await ingestEvents(prisma, shop.id, batch, now)).filter((r) => r.status === "accepted").length;
  const ingestMs = performance.now() - t0;
  if (accepted !== batches.length * 50)
    throw new Error(`only ${accepted} of ${batches.length * 50} bench events were accepted`);

  // Baseline: the same rows written by a bare createMany per batch (no validation, no
  // idempotency check, no roll-ups), on the same database file.
  const t1 = performance.now();
  for (const batch of batches) {
    await prisma.event.createMany({
      data: batch.map((e) => ({
        shopId: shop.id,
        clientEventId: `bare-${e.id}`,
        type: e.type,
        moment: e.moment,
        surface: e.surface,
        journeyKey: e.journeyKey,
        offerId: e.offerId,
        experimentId: e.experimentId ?? null,
        armId: e.armId ?? null,
        arm: e.arm,
        device: e.device,
        country: e.country,
        returning: e.returning,
        occurredAt: new Date(e.occurredAt),
        day: new Date(e.occurredAt).toISOString().slice(0, 10),
      })),
    });
  }
  const bareMs = performance.now() - t1;
  const events = BATCHES * 50;
  report({
    name: "ingestion throughput (batches of 50, validated, idempotent, rolled up)",
    value: events / (ingestMs / 1000),
    unit: "events/s",
    baseline: { value: events / (bareMs / 1000), label: "bare insert loop" },
  });
  await prisma.$disconnect();
}

// --- dashboard query at 1M events ---------------------------------------------------------------
{
  const prisma = migrated("dashboard");
  const shop = await prisma.shop.create({ data: { domain: "bench.myshopify.com", name: "Bench", currency: "USD" } });
  const TOTAL = 1_000_000;
  const tGen = performance.now();
  // 1M events straight into SQLite: a recursive CTE, with the same dimensions the synthetic
  // ingestion events have (20 offers over 5 moments, 5 with experiments, 30 days, 10 countries).
  const start = NOW - 29 * DAY_MS;
  await prisma.$executeRawUnsafe(`
    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${TOTAL - 1}),
    -- Deterministic pseudo-random dimensions from the row number (an LCG), so every reference to
    -- a column sees the same value (SQLite may re-evaluate random() per reference).
    h AS (SELECT i, (i * 1103515245 + 12345) % 2147483648 AS x FROM seq),
    raw AS (
      SELECT i, i % 20 AS offer, (x / 100) % 10 AS r10, (x / 1000) % 6 AS t6, x % 100 AS p100,
             (i * 2654435761) % ${30 * 86400} AS sec
      FROM h
    )
    INSERT INTO "Event" (id, shopId, clientEventId, type, moment, surface, journeyKey, offerId, experimentId, armId, arm,
                         device, country, currency, "returning", valueMinor, occurredAt, day, receivedAt)
    SELECT 'e' || i, '${shop.id}', 'evt-' || i,
      CASE WHEN offer < 5 AND p100 < 10 THEN 'impression' ELSE
        CASE t6 WHEN 3 THEN 'click' WHEN 4 THEN 'accept' WHEN 5 THEN 'decline' ELSE 'impression' END END,
      CASE offer % 5 WHEN 0 THEN 'cart' WHEN 1 THEN 'checkout' WHEN 2 THEN 'shipping' WHEN 3 THEN 'post_purchase' ELSE 'thank_you' END,
      'checkout', 'journey-' || (i / 4), 'offer-' || offer,
      CASE WHEN offer < 5 THEN 'exp-' || offer END,
      CASE WHEN offer < 5 AND p100 >= 10 THEN CASE WHEN p100 % 2 = 0 THEN 'a' ELSE 'b' END END,
      CASE WHEN offer < 5 THEN CASE WHEN p100 < 10 THEN 'holdout' ELSE 'variant' END ELSE 'none' END,
      CASE WHEN p100 < 60 THEN 'mobile' ELSE 'desktop' END,
      CASE r10 WHEN 0 THEN 'US' WHEN 1 THEN 'DE' WHEN 2 THEN 'FR' WHEN 3 THEN 'GB' WHEN 4 THEN 'NL' WHEN 5 THEN 'ES' WHEN 6 THEN 'IT' WHEN 7 THEN 'CA' WHEN 8 THEN 'AU' ELSE 'SE' END,
      'USD', (p100 % 10) < 3, NULL,
      strftime('%Y-%m-%dT%H:%M:%fZ', ${start / 1000} + sec, 'unixepoch'),
      strftime('%Y-%m-%d', ${start / 1000} + sec, 'unixepoch'),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM raw`);
  // Roll-ups straight from the generated events (what ingestion would have accumulated).
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO "MomentDaily" (id, shopId, day, moment, offerId, armId, arm, device, country, segment,
      impressions, views, clicks, accepts, declines, exitIntents, purchases, unsubscribes, acceptedMinor,
      attributedOrders, attributedMinor, refundedMinor)
    SELECT lower(hex(randomblob(12))), shopId, day, moment, offerId, COALESCE(armId, ''), arm, COALESCE(device, ''), COALESCE(country, ''),
      CASE "returning" WHEN 1 THEN 'returning' WHEN 0 THEN 'new' ELSE '' END,
      SUM(type = 'impression'), SUM(type = 'impression'), SUM(type = 'click'), SUM(type = 'accept'), SUM(type = 'decline'), 0, 0, 0, 0,
      SUM(type = 'accept'), SUM(CASE WHEN type = 'accept' THEN 2999 ELSE 0 END), 0
    FROM "Event" WHERE shopId = ?
    GROUP BY shopId, day, moment, offerId, armId, arm, device, country, "returning"`,
    shop.id,
  );
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO "ExperimentDaily" (id, shopId, experimentId, offerId, arm, day, device, country, segment,
      visitors, converters, orders, revenueMinor, revenueSq, orderValueSq)
    SELECT lower(hex(randomblob(12))), shopId, experimentId, offerId, CASE arm WHEN 'holdout' THEN 'holdout' ELSE armId END, day,
      COALESCE(device, ''), COALESCE(country, ''), CASE "returning" WHEN 1 THEN 'returning' WHEN 0 THEN 'new' ELSE '' END,
      COUNT(*), COUNT(*) / 20, COUNT(*) / 20, (COUNT(*) / 20) * 6000, (COUNT(*) / 20) * 36000000.0, (COUNT(*) / 20) * 36000000.0
    FROM "Event" WHERE shopId = ? AND type = 'impression' AND experimentId IS NOT NULL
    GROUP BY shopId, experimentId, offerId, arm, armId, day, device, country, "returning"`,
    shop.id,
  );
  const genS = (performance.now() - tGen) / 1000;
  const rollupRows = await prisma.momentDaily.count();
  console.log(`# generated ${TOTAL} events and ${rollupRows} moment roll-up rows in ${genS.toFixed(1)} s`);

  const filters = {
    from: new Date(NOW - 29 * DAY_MS).toISOString().slice(0, 10),
    to: new Date(NOW).toISOString().slice(0, 10),
  };
  const time = async (fn: () => Promise<unknown>, runs: number) => {
    await fn();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
    return samples.sort((a, b) => a - b);
  };
  const dash = await time(() => dashboardData(prisma, shop.id, filters), 20);
  // Baseline: the per-offer counts alone, computed from the raw events instead of the roll-ups.
  const raw = await time(
    () =>
      prisma.$queryRawUnsafe(
        `SELECT moment, offerId, SUM(type = 'impression'), SUM(type = 'click'), SUM(type = 'accept'), SUM(type = 'decline')
         FROM "Event" WHERE shopId = ? AND day BETWEEN ? AND ? AND arm != 'holdout' GROUP BY moment, offerId`,
        shop.id,
        filters.from,
        filters.to,
      ),
    3,
  );
  report({
    name: "dashboard query at 1M events (30 days, roll-ups, p95)",
    value: percentile(dash, 95),
    unit: "ms",
    baseline: { value: percentile(raw, 50), label: "offer counts from raw events, median" },
    budget: { limit: 300, kind: "max" },
  });
  const filtered = await time(
    () => dashboardData(prisma, shop.id, { ...filters, device: "mobile", country: "DE", segment: "new" }),
    20,
  );
  report({
    name: "dashboard query at 1M events, filtered by device+country+segment (p95)",
    value: percentile(filtered, 95),
    unit: "ms",
    budget: { limit: 300, kind: "max" },
  });
  await prisma.$disconnect();
}
