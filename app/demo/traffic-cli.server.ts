/**
 * `npm run demo:traffic`: walks simulated buyers through a running demo server (`npm run demo` in
 * another terminal) through every surface and prints the planted truth per experiment to compare
 * with /app/dashboard.
 * Env: DEMO_URL, or PORT (default 3000: http://127.0.0.1:$PORT), and DATABASE_URL (the demo server's,
 * default file:prisma/demo.db: read for the published payload); scripts/demo-traffic.mjs sets them
 * from the record `npm run demo` keeps while it runs. VISITORS (default 3000), SEED, DAYS (<= 7).
 */
import path from "node:path";
import { createPrisma } from "~/db.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { DEMO_SHOP } from "./seed.server";
import { demoPayload, runTraffic } from "./traffic.server";
import { runDemoAllocation } from "./traffic-allocation.server";
import { harmfulDemoTruth, HARMFUL_DEMO_EXPERIMENT } from "./traffic-model";
import { runShopGuardrail } from "~/guardrail/guardrail.server";
import { demoGateway } from "~/gateway/demo.server";
import { emlTransport } from "~/email/transport.server";
import { emailOutboxDir } from "~/email/worker.server";

const root = process.cwd();
const baseUrl = process.env.DEMO_URL ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`;
const databaseUrl = process.env.DATABASE_URL ?? `file:${path.join(root, "prisma/demo.db")}`;
const visitors = Number(process.env.VISITORS ?? 3000);
const seed = Number(process.env.SEED ?? Date.now() % 100000);
const days = Math.min(7, Math.max(1, Number(process.env.DAYS ?? 7)));
// The planted harmful offer for the completion guardrail (decision 031); HARM_POINTS=0 plants none.
const harmPoints = Math.max(0, Number(process.env.HARM_POINTS ?? 40));

const healthy = await fetch(`${baseUrl}/healthz`).then(
  (r) => r.ok,
  () => false,
);
if (!healthy) {
  console.error(
    `No demo server answers at ${baseUrl}. Start one with \`npm run demo\`, then run this again ` +
      "(for a demo started some other way, set its DEMO_URL or PORT, and its DATABASE_URL).",
  );
  process.exit(1);
}

const prisma = createPrisma(databaseUrl);
const shop = await prisma.shop.findUnique({ where: { domain: DEMO_SHOP.domain } });
if (!shop) {
  console.error(`The database at ${databaseUrl} has no demo shop: is it the demo server's DATABASE_URL?`);
  process.exit(1);
}
const now = Date.now();
const published = await getPublishedPayload(prisma, shop.id);
await prisma.$disconnect();
if (!published) console.log("Nothing published yet: using the demo offers as the payload.");

console.log(`Walking ${visitors} simulated buyers through ${baseUrl} (seed ${seed}, last ${days} days)…`);
const outboxDb = createPrisma(databaseUrl);
const report = await runTraffic({
  baseUrl,
  shopDomain: DEMO_SHOP.domain,
  apiKey: "demo-api-key",
  secret: process.env.SHOPIFY_API_SECRET || "demo-api-secret",
  payload: published ?? demoPayload(now),
  visitors,
  seed,
  days,
  now,
  truth: harmfulDemoTruth(harmPoints),
  // The follow-up emails the server scheduled: the buyer reads the offer it chose.
  outbox: (orderIds) =>
    outboxDb.outboxMessage.findMany({
      where: { shopId: shop.id, orderShopifyId: { in: orderIds } },
      select: { orderShopifyId: true, content: true, armId: true, experimentId: true, offerId: true },
    }),
  log: (line) => console.log(line),
});
await outboxDb.$disconnect();
console.log(
  `events: ${report.events.accepted} accepted, ${report.events.duplicate} duplicate, ${report.events.rejected} rejected; ` +
    `orders: ${report.orders} (+${report.testOrders} test orders), ${report.cancelled} cancelled, ${report.refunds} refunds`,
);
for (const reason of [...report.events.reasons, ...report.webhookFailures, ...report.problems])
  console.log(`  problem: ${reason}`);
console.log(`Planted truth per experiment (${report.currency}, net of refunds and cancellations):`);
for (const x of report.experiments) {
  console.log(`  ${x.experimentId} (${x.surface}, moment ${x.moment}, offer ${x.offerId})`);
  for (const a of x.arms) {
    if (a.arm === "holdout") continue;
    console.log(
      `    ${a.arm.padEnd(24)} take rate ${(a.takeRate * 100).toFixed(1).padStart(5)}%  price ${(a.priceMinor / 100).toFixed(2).padStart(8)}  ` +
        `true RPV difference over hold-out ${(a.expectedDiffMinor / 100).toFixed(2)}`,
    );
  }
}
if (harmPoints > 0)
  console.log(
    `  planted harm: buyers in ${HARMFUL_DEMO_EXPERIMENT}'s treated arm complete the checkout ${harmPoints} points less often (its RPV difference above leaves that out)`,
  );

// The completion guardrail's daily run, now, on the demo shop (decision 031): the server runs it
// once a day; here it runs at once so the harmful offer's pause and its evidence show in the admin.
const guardDb = createPrisma(databaseUrl);
try {
  const demoShop = await guardDb.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP.domain } });
  const transport = emlTransport(emailOutboxDir(process.env.EMAIL_OUTBOX_DIR));
  const g = await runShopGuardrail(guardDb, demoShop, {
    gateway: demoGateway(guardDb, demoShop.id),
    transport,
    now: new Date(),
    adminUrl: `${baseUrl}/app/experiments`,
    log: (line) => console.log(line),
  });
  transport.close();
  console.log(
    `Completion guardrail: looked at ${g.looked} live experiments; paused ${g.paused.length}, proposed archiving ${g.proposed.length}, archived ${g.archived.length}.`,
  );
} finally {
  await guardDb.$disconnect();
}
// Automatic allocation (decision 030): one demo experiment on it, the daily job run now from the
// completed days the traffic covered, so /app/experiments shows its weights moved.
const allocationDb = createPrisma(databaseUrl);
try {
  await runDemoAllocation(allocationDb, new Date(), (line) => console.log(line));
} finally {
  await allocationDb.$disconnect();
}
console.log(`Open ${baseUrl}/app/dashboard (or /app/experiments) to compare the estimates with the truth.`);
