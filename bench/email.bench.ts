// Follow-up email outbox throughput: messages/s claimed from SQLite and handed to an SMTP server
// on loopback (smtp-server in this process), against a baseline of the same number of
// pre-rendered messages sent through the same transport without the outbox (the SMTP ceiling).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleForNode } from "../scripts/lib/bundle.mjs";
import { SMTPServer } from "smtp-server";
import { report } from "./lib/report";
import type * as EmailRunner from "./email-runner-types";

const N = 400;
const root = process.cwd();
const tmp = mkdtempSync(path.join(os.tmpdir(), "moments-email-bench-"));
const dbUrl = `file:${path.join(tmp, "bench.db")}`;
execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: dbUrl },
  stdio: "ignore",
});

// The app's modules import the engine workspace package (TypeScript source): bundle them here.
const runner = path.join(root, ".tmp/bench/email-runner.mjs");
await bundleForNode({
  stdin: {
    contents: `export { createPrisma } from "~/db.server"; export { runBatch } from "~/email/outbox.server"; export { smtpTransport } from "~/email/transport.server"; export { demoGateway } from "~/gateway/demo.server";`,
    resolveDir: root,
    loader: "ts",
  },
  outfile: runner,
});
const app = (await import(pathToFileURL(runner).href)) as typeof EmailRunner;

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => undefined);
    stream.on("end", () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const smtpUrl = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;

const prisma = app.createPrisma(dbUrl);
const shop = await prisma.shop.create({ data: { domain: "bench.myshopify.com", name: "Bench", currency: "USD", isDemo: true } });
await prisma.demoProduct.create({
  data: {
    id: "gid://shopify/Product/1",
    shopId: shop.id,
    title: "Cable",
    handle: "cable",
    vendor: "V",
    productType: "A",
    imageUrl: "https://cdn.example/c.png",
    variants: { create: [{ id: "gid://shopify/ProductVariant/1", title: "1 m", priceEurMinor: 2490, priceUsdMinor: 2690 }] },
  },
});
const content = {
  v: 1,
  brandName: "Bench Outfitters",
  fromAddress: "hello@bench.example",
  shopDomain: "bench.myshopify.com",
  firstName: "Alex",
  purchased: { title: "Headset", quantity: 1 },
  offer: {
    id: "offer1",
    type: "product",
    title: "Complete your sound",
    body: "The braided cable your headset deserves.",
    cta: "Add the cable",
    items: [{ productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/1", quantity: 1 }],
    price: { currency: "USD", original: 2690, final: 2152, savings: 538 },
    percentOff: 0.2,
  },
};
const past = new Date(Date.now() - 3_600_000);
await prisma.outboxMessage.createMany({
  data: Array.from({ length: N }, (_, i) => ({
    id: `obbench${String(i).padStart(6, "0")}`,
    shopId: shop.id,
    orderShopifyId: `gid://shopify/Order/${i}`,
    recipient: `buyer${i}@example.com`,
    recipientHash: `h${i}`,
    locale: "en",
    currency: "USD",
    offerId: "offer1",
    content: JSON.stringify(content),
    dueAt: past,
    nextAttemptAt: past,
    messageId: `<moments.obbench${i}@bench.test>`,
  })),
});

// Baseline: the same number of messages through the same SMTP transport, without the outbox.
const direct = app.smtpTransport(smtpUrl);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  await direct.send({ from: "hello@bench.example", to: `buyer${i}@example.com`, subject: "Complete your sound", text: "t".repeat(600), html: `<p>${"h".repeat(2400)}</p>` });
}
const baselineRate = N / ((performance.now() - t0) / 1000);
direct.close();

// The outbox: claim (one UPDATE per batch), complete content (demo gateway), render, SMTP, mark sent.
received = 0;
const transport = app.smtpTransport(smtpUrl);
const t1 = performance.now();
for (;;) {
  const r = await app.runBatch({
    prisma,
    transport,
    gatewayFor: async (shopId: string) => app.demoGateway(prisma, shopId),
    appUrl: "https://moments.test",
    secret: "bench-secret",
    batchSize: 50,
  });
  if (r.claimed === 0) break;
}
const outboxRate = N / ((performance.now() - t1) / 1000);
transport.close();
const sent = await prisma.outboxMessage.count({ where: { status: "sent" } });
if (sent !== N || received !== N) throw new Error(`expected ${N} sent and received, got ${sent} sent, ${received} received`);

report({
  name: `email outbox throughput (${N} messages, SQLite, SMTP on loopback)`,
  value: outboxRate,
  unit: "msg/s",
  baseline: { value: baselineRate, label: "same SMTP transport, no outbox" },
  // 10 msg/s is 36,000 an hour from one worker: orders of magnitude above a shop's order rate.
  budget: { limit: 10, kind: "min" },
});
await prisma.$disconnect();
await new Promise<void>((resolve) => server.close(() => resolve()));
