import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, demoModeEnv, startServer, type RunningServer } from "./support/server";
import { baseArmId, demoPayload, runTraffic, type TrafficReport } from "~/demo/traffic.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { completionDays } from "~/guardrail/completion.server";
import type { Payload } from "@moments/engine";

/**
 * Demo traffic through every surface against the built server in demo mode, then the dashboard's
 * CSV against the planted truth. Reproducible: seed 7 (chosen once, before the first run, and never
 * changed to make a test pass) and the demo's experiment ids, on which arms are hashed, derive from
 * the shop's domain; each buyer draws from its own stream of the seed (buyerRandom), so the 16
 * buyers walking at once give the same buyers whichever request answers first. One 95% interval misses one time in twenty by design; that they cover 95% of
 * the time over many runs is proved in packages/stats/test.
 */
const SHOP = "moments-demo.myshopify.com";
const SEED = 7;
const VISITORS = Number(process.env.TRAFFIC_VISITORS ?? 2400);
let db: TestDatabase;
let server: RunningServer;
let report: TrafficReport;
let csv: string;
let published: Payload;
let shopId: string;
let startedAt: number;
const DAY = 86400_000;

beforeAll(async () => {
  db = freshDatabase("measurement-traffic");
  server = await startServer(demoModeEnv(db.url));
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  const now = Date.now();
  const payload = (await getPublishedPayload(db.prisma, shop.id)) ?? demoPayload(now);
  published = payload;
  shopId = shop.id;
  startedAt = now;
  report = await runTraffic({
    baseUrl: server.url,
    shopDomain: SHOP,
    apiKey: "demo-api-key",
    secret: "demo-api-secret",
    payload,
    visitors: VISITORS,
    seed: SEED,
    days: 5,
    now,
    concurrency: 16,
    outbox: (orderIds) =>
      db.prisma.outboxMessage.findMany({
        where: { shopId: shop.id, orderShopifyId: { in: orderIds } },
        select: { orderShopifyId: true, content: true, armId: true, experimentId: true, offerId: true },
      }),
  });
  csv = await dashboardCsv(now);
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
async function dashboardCsv(now: number, filter = ""): Promise<string> {
  const res = await fetch(`${server.url}/app/dashboard.csv?from=${day(now - 7 * DAY)}&to=${day(now + DAY)}${filter}`, {
    headers: { "User-Agent": BROWSER_UA },
  });
  expect(res.status, `the server's last output:\n${server.output().slice(-3000)}`).toBe(200);
  return res.text();
}

/** One RFC 4180 line into its cells (the CSV quotes cells holding commas, such as verdict reasons). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === "," && !quoted) {
      out.push(cell);
      cell = "";
    } else {
      cell += ch;
    }
  }
  out.push(cell);
  return out;
}

/** The CSV's experiment rows as objects keyed by the header. */
function experimentRows(text = csv): Array<Record<string, string>> {
  const lines = text.split("\r\n");
  const header = lines.findIndex((l) => l.startsWith("table,experiment,"));
  const names = cells(lines[header]!);
  return lines
    .slice(header + 1)
    .filter((l) => l.startsWith("experiment,"))
    .map((l) => Object.fromEntries(cells(l).map((v, i) => [names[i]!, v])));
}

test("GIVEN simulated buyers on every surface WHEN their events, orders, refunds and cancellations go through the real endpoints THEN nothing is rejected or lost", () => {
  expect(report.problems).toEqual([]);
  expect(report.events.reasons).toEqual([]);
  expect(report.events.rejected).toBe(0);
  expect(report.webhookFailures).toEqual([]);
  // Planted: 90% of buyers order; 2% test orders, 5% cancelled, 10% of lines refunded.
  expect(report.orders).toBeGreaterThan(0.75 * VISITORS);
  expect(report.testOrders).toBeGreaterThan(0.01 * VISITORS);
  expect(report.cancelled).toBeGreaterThan(0.03 * VISITORS);
  expect(report.refunds).toBeGreaterThan(0.05 * VISITORS);
});

test("GIVEN a planted take rate per arm on every surface WHEN the dashboard estimates each arm's incremental net RPV THEN its 95% interval covers the planted difference", () => {
  const rows = experimentRows();
  const out: string[] = [];
  let checked = 0;
  for (const x of report.experiments) {
    for (const a of x.arms) {
      if (a.arm === "holdout") continue;
      const row = rows.find((r) => r.experiment === x.experimentId && r.arm === a.arm);
      const hold = rows.find((r) => r.experiment === x.experimentId && r.arm === "holdout");
      expect(row, `${x.experimentId} ${a.arm} missing from the CSV`).toBeDefined();
      // An empty interval cell means no look yet (too few visitors or buyers in an arm): a failure
      // here, since an interval that does not exist covers nothing.
      expect(
        row!.incremental_rpv_low,
        `${x.experimentId} ${a.arm}: no interval (visitors ${row!.visitors} vs hold-out ${hold?.visitors})`,
      ).not.toBe("");
      const low = Number(row!.incremental_rpv_low);
      const high = Number(row!.incremental_rpv_high);
      out.push(
        `${x.surface.padEnd(13)} ${baseArmId(x.experimentId).padEnd(30)} ${baseArmId(a.arm).padEnd(12)} planted ${(a.expectedDiffMinor / 100).toFixed(2).padStart(7)}  ` +
          `estimated ${(Number(row!.incremental_rpv) / 100).toFixed(2).padStart(7)} [${(low / 100).toFixed(2)}, ${(high / 100).toFixed(2)}]  ` +
          `visitors ${row!.visitors} vs hold-out ${hold?.visitors}  CUPED variance reduction ${(Number(row!.variance_reduction) * 100).toFixed(1)}%`,
      );
      expect(a.expectedDiffMinor, `${x.experimentId} ${a.arm}: the arm's offer was never seen`).toBeGreaterThanOrEqual(
        0,
      );
      expect(low, out.at(-1)).toBeLessThanOrEqual(a.expectedDiffMinor);
      expect(high, out.at(-1)).toBeGreaterThanOrEqual(a.expectedDiffMinor);
      checked++;
    }
  }
  console.log(["planted vs estimated incremental net RPV per arm (EUR):", ...out].join("\n"));
  expect(new Set(report.experiments.map((x) => x.surface))).toEqual(
    new Set(["storefront", "checkout", "post_purchase", "thank_you", "email"]),
  );
  expect(checked).toBeGreaterThanOrEqual(9);
});

test("GIVEN refunds, cancellations and test orders WHEN the dashboard sums a checkout experiment's revenue THEN it equals the buyers' realized net revenue, test orders left out", () => {
  const rows = experimentRows();
  for (const x of report.experiments.filter((e) => e.realized)) {
    const arms = rows.filter((r) => r.experiment === x.experimentId);
    expect(arms.reduce((s, r) => s + Number(r.visitors), 0)).toBe(x.realized!.journeys);
    expect(arms.reduce((s, r) => s + Number(r.revenue_minor), 0)).toBe(x.realized!.netMinor);
  }
});

test("GIVEN the simulated traffic WHEN the dashboard is filtered by each device and each buyer segment THEN the parts add up to the totals (on the surfaces that know them)", async () => {
  const now = Date.now();
  const key = (r: Record<string, string>) => `${r.experiment}|${r.version}|${r.arm}`;
  const total = new Map(experimentRows().map((r) => [key(r), r]));
  for (const parts of [
    ["&device=mobile", "&device=desktop"],
    ["&segment=new", "&segment=returning"],
  ]) {
    const sums = new Map<string, { visitors: number; revenue: number }>();
    for (const f of parts) {
      for (const r of experimentRows(await dashboardCsv(now, f))) {
        const s = sums.get(key(r)) ?? { visitors: 0, revenue: 0 };
        s.visitors += Number(r.visitors);
        s.revenue += Number(r.revenue_minor);
        sums.set(key(r), s);
      }
    }
    for (const [k, t] of total) {
      // Post-purchase and email are decided on the server, which knows neither the buyer's device
      // nor whether they bought before: their visitors sit in no device or segment filter.
      const surface = report.experiments.find((x) => k.startsWith(`${x.experimentId}|`))?.surface;
      if (surface === "post_purchase" || surface === "email") continue;
      expect(sums.get(k)?.visitors ?? 0, `${k} ${parts.join(" + ")}`).toBe(Number(t.visitors));
      expect(sums.get(k)?.revenue ?? 0, `${k} ${parts.join(" + ")}`).toBe(Number(t.revenue_minor));
    }
  }
});

test("GIVEN the simulated traffic WHEN the dashboard page is opened THEN it renders the measurement tables", async () => {
  const res = await fetch(`${server.url}/app/dashboard`, { headers: { "User-Agent": BROWSER_UA } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain("By offer");
  expect(html).toContain("vs hold-out");
});

test("GIVEN the simulated traffic WHEN attributed revenue is broken down by device and by buyer segment THEN each breakdown adds up to the offers' total, and nothing the surfaces knew is left unknown", () => {
  const lines = csv.split("\r\n").map(cells);
  const header = lines.findIndex((l) => l[0] === "table" && l[1] === "moment");
  const netAt = lines[header]!.indexOf("net_minor");
  const offersNet = lines.filter((l) => l[0] === "offer").reduce((s, l) => s + Number(l[netAt]), 0);
  const breakdown = lines.filter((l) => l[0] === "breakdown");
  for (const name of ["device", "buyers"]) {
    const buckets = breakdown.filter((l) => l[1] === name);
    const sum = buckets.reduce((s, l) => s + Number(l[6]), 0);
    const unknown = buckets.filter((l) => l[2] === "unknown").reduce((s, l) => s + Number(l[6]), 0);
    console.log(
      `${name}: ${buckets.map((l) => `${l[2]} ${(Number(l[6]) / 100).toFixed(2)}`).join(", ")} (total ${(offersNet / 100).toFixed(2)} EUR)`,
    );
    expect(sum).toBe(offersNet);
    // Before, most attributed lines lost their device and segment (the order came before its view).
    expect(unknown, `${name}: attributed revenue without a ${name}`).toBeLessThan(0.5 * offersNet);
  }
});

test("GIVEN the demo's in-cart and exit-intent experiments WHEN its buyers reach the checkout THEN the completion guardrail counts reached checkouts on both sides of each", async () => {
  const beforeCheckout = published.offers.filter(
    (o) => o.experiment && o.moments.some((m) => m === "cart" || m === "exit_intent"),
  );
  expect(beforeCheckout.length).toBeGreaterThan(0);
  for (const o of beforeCheckout) {
    const days = await completionDays(
      db.prisma,
      shopId,
      o.experiment!.id,
      o.experiment!.version ?? 1,
      new Date(startedAt + 2 * DAY),
      {
        storefront: true,
      },
    );
    const treated = days.reduce((n, d) => n + d.treatedReached, 0);
    const holdout = days.reduce((n, d) => n + d.holdoutReached, 0);
    expect({ offer: o.id, treated: treated > 0, holdout: holdout > 0 }).toEqual({
      offer: o.id,
      treated: true,
      holdout: true,
    });
  }
});
