/**
 * `npm run demo:traffic`: walks simulated buyers through a running demo server (`npm run demo` in
 * another terminal) and prints the planted truth to compare with /app/dashboard.
 * Env: DEMO_URL (default http://127.0.0.1:$PORT or :3000), DATABASE_URL (the demo server's, default
 * file:prisma/demo.db: read for the published payload), VISITORS (default 3000), SEED, DAYS (<= 7).
 */
import path from "node:path";
import { createPrisma } from "~/db.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { DEMO_SHOP } from "./seed.server";
import { demoPayload, runTraffic } from "./traffic.server";

const root = process.cwd();
const baseUrl = process.env.DEMO_URL ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`;
const databaseUrl = process.env.DATABASE_URL ?? `file:${path.join(root, "prisma/demo.db")}`;
const visitors = Number(process.env.VISITORS ?? 3000);
const seed = Number(process.env.SEED ?? Date.now() % 100000);
const days = Math.min(7, Math.max(1, Number(process.env.DAYS ?? 7)));

const healthy = await fetch(`${baseUrl}/healthz`).then(
  (r) => r.ok,
  () => false,
);
if (!healthy) {
  console.error(`No demo server answers at ${baseUrl}. Start one with \`npm run demo\` (or set DEMO_URL), then run this again.`);
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
  log: (line) => console.log(line),
});
console.log(`events: ${report.events.accepted} accepted, ${report.events.duplicate} duplicate, ${report.events.rejected} rejected; orders: ${report.orders}`);
for (const reason of [...report.events.reasons, ...report.orderFailures]) console.log(`  problem: ${reason}`);
if (report.experimentId) {
  console.log(`Planted truth for experiment ${report.experimentId} (offer ${report.offerId}), ${report.currency}:`);
  for (const a of report.arms) {
    console.log(
      `  ${a.arm.padEnd(10)} visitors ${String(a.visitors).padStart(6)}  take rate ${(a.takeRate * 100).toFixed(1).padStart(5)}%  ` +
        `true RPV ${(a.expectedRpvMinor / 100).toFixed(2)}  true lift ${(a.lift * 100).toFixed(1)}%`,
    );
  }
}
console.log(`Open ${baseUrl}/app/dashboard to compare the estimates with the truth.`);
