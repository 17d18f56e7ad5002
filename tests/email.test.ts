import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { readFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type IntrospectionQuery } from "graphql";
import { createPrisma } from "~/db.server";
import { demoGateway } from "~/gateway/demo.server";
import { DISCOUNT_CODE_CREATE_MUTATION } from "~/gateway/admin-documents";
import { shopifyGateway } from "~/gateway/shopify.server";
import { runBatch, unsubscribe, type DeliveryOptions } from "~/email/outbox.server";
import { emlTransport, listEmlFiles, smtpTransport, type EmailTransport } from "~/email/transport.server";
import { emailHash, signUnsubscribe, verifyUnsubscribe } from "~/email/tokens.server";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { deliverWebhook, samplePayload } from "./support/webhooks";
import { CABLE, decodedBody, headerOf, orderPayload, parsedOrder, schedule, seedEmailShop, startSmtp, tempFailure } from "./email.fixtures";
import { ROOT } from "./support/paths";

const SHOP = "northfold.myshopify.com";
const HOUR = 3_600_000;

let db: TestDatabase;
let server: RunningServer;
let shop: { id: string; domain: string };

beforeAll(async () => {
  db = freshDatabase("email");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  for (const t of ["outboxMessage", "emailUnsubscribe", "event", "offer", "publication", "demoProduct", "order", "webhookEvent", "session", "shop"] as const) {
    await (db.prisma[t] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  ({ shop } = await seedEmailShop(db.prisma, SHOP));
});

function deliveryOptions(transport: EmailTransport, now: () => Date, extra: Partial<DeliveryOptions> = {}): DeliveryOptions {
  return {
    prisma: db.prisma,
    transport,
    gatewayFor: async (shopId) => demoGateway(db.prisma, shopId),
    appUrl: server.url,
    secret: TEST_API_SECRET,
    now,
    ...extra,
  };
}

const sendOrder = (payload: object, webhookId = randomUUID()) =>
  deliverWebhook(server.url, { topic: "orders/create", shop: SHOP, body: JSON.stringify(payload), secret: TEST_API_SECRET, webhookId });

describe("scheduling on orders/create (built server, signed webhooks)", () => {
  it("GIVEN a consenting buyer's order delivered three times WHEN processed THEN one message is scheduled 48 h later", async () => {
    const payload = orderPayload(SHOP, { id: 5001 });
    for (let i = 0; i < 3; i++) expect((await sendOrder(payload)).status).toBe(200);
    const rows = await db.prisma.outboxMessage.findMany({ where: { shopId: shop.id } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ status: "pending", orderShopifyId: "gid://shopify/Order/5001", recipient: "jon@example.com", locale: "en", currency: "USD", attempts: 0 });
    expect(row.dueAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(47.9 * HOUR);
    expect(row.dueAt.getTime() - row.createdAt.getTime()).toBeLessThan(48.1 * HOUR);
    expect(row.messageId).toBe(`<moments.${row.id}@moments.test>`);
  });

  it("GIVEN an order without marketing consent WHEN delivered THEN nothing is scheduled", async () => {
    expect((await sendOrder(orderPayload(SHOP, { id: 5002, consent: "not_subscribed" }))).status).toBe(200);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
    expect(await db.prisma.order.count({ where: { shopId: shop.id } })).toBe(1); // the order itself is still recorded
  });

  it("GIVEN the same order scheduled twice directly THEN the second says already_scheduled", async () => {
    const order = parsedOrder(SHOP, { id: 5003 });
    expect((await schedule(db.prisma, shop, order, new Date())).scheduled).toBe(true);
    expect(await schedule(db.prisma, shop, order, new Date())).toEqual({ scheduled: false, reason: "already_scheduled" });
    expect(await db.prisma.outboxMessage.count()).toBe(1);
  });

  it("GIVEN a buyer who unsubscribed WHEN they order again THEN nothing is scheduled", async () => {
    await unsubscribe(db.prisma, { shopId: shop.id, emailHash: emailHash("Jon@Example.com"), customerId: null, source: "link" });
    expect(await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5004 }), new Date())).toEqual({ scheduled: false, reason: "unsubscribed" });
  });

  it("GIVEN a French buyer WHEN scheduled THEN the copy is the offer's French copy", async () => {
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5005, locale: "fr" }), new Date());
    const row = await db.prisma.outboxMessage.findFirstOrThrow();
    expect(row.locale).toBe("fr");
    expect(JSON.parse(row.content).offer.title).toBe("Complétez votre son");
  });
});

describe("delay and privacy", () => {
  it("GIVEN an offer that sets its own delay (emailDelayHours 30) WHEN scheduled THEN the message is due 30 h after the order", async () => {
    const offer = await db.prisma.offer.findFirstOrThrow({ where: { shopId: shop.id } });
    await db.prisma.offer.update({ where: { id: offer.id }, data: { definition: JSON.stringify({ ...JSON.parse(offer.definition), emailDelayHours: 30 }) } });
    const t0 = new Date();
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5101 }), t0);
    expect((await db.prisma.outboxMessage.findFirstOrThrow()).dueAt.getTime() - t0.getTime()).toBe(30 * HOUR);
  });

  it("GIVEN customers/redact for a buyer WHEN delivered THEN their messages and opt-out record are gone, others stay", async () => {
    const t0 = new Date();
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5201, email: "john@example.com", customerId: 191167 }), t0);
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5202, email: "other@example.com", customerId: 42 }), t0);
    await unsubscribe(db.prisma, { shopId: shop.id, emailHash: emailHash("john@example.com"), customerId: "gid://shopify/Customer/191167", source: "link" });
    const res = await deliverWebhook(server.url, {
      topic: "customers/redact",
      shop: SHOP,
      body: JSON.stringify(samplePayload("customers/redact", SHOP)),
      secret: TEST_API_SECRET,
    });
    expect(res.status).toBe(200);
    expect((await db.prisma.outboxMessage.findMany()).map((r) => r.recipient)).toEqual(["other@example.com"]);
    expect(await db.prisma.emailUnsubscribe.count()).toBe(0);
  });
});

describe("shop redact", () => {
  it("GIVEN shop/redact WHEN delivered THEN every follow-up row of the shop is gone", async () => {
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 5301 }), new Date());
    await unsubscribe(db.prisma, { shopId: shop.id, emailHash: emailHash("x@example.com"), customerId: null, source: "link" });
    const res = await deliverWebhook(server.url, { topic: "shop/redact", shop: SHOP, body: JSON.stringify(samplePayload("shop/redact", SHOP)), secret: TEST_API_SECRET });
    expect(res.status).toBe(200);
    expect(await db.prisma.outboxMessage.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db.prisma.emailUnsubscribe.count({ where: { shopId: shop.id } })).toBe(0);
  });
});

describe("delivery over SMTP (smtp-server in-process)", () => {
  it("GIVEN a due message WHEN the worker runs THEN it arrives once with both parts, List-Unsubscribe headers and a valid token", async () => {
    const smtp = await startSmtp();
    const t0 = new Date();
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6001 }), t0);
    const transport = smtpTransport(smtp.url);
    try {
      expect((await runBatch(deliveryOptions(transport, () => new Date(t0.getTime() + 47 * HOUR)))).claimed).toBe(0); // not due yet
      const result = await runBatch(deliveryOptions(transport, () => new Date(t0.getTime() + 49 * HOUR)));
      expect(result).toMatchObject({ claimed: 1, sent: 1 });
    } finally {
      transport.close();
      await smtp.close();
    }
    expect(smtp.received).toHaveLength(1);
    const raw = smtp.received[0]!.raw;
    const row = await db.prisma.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null, claimedBy: null });
    expect(smtp.received[0]!.messageId).toBe(row.messageId);
    expect(smtp.received[0]!.to).toEqual(["jon@example.com"]);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8/m);
    expect(raw).toMatch(/^From: Northfold Outfitters <hello@northfold\.example>/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    const [https, mailto] = headerOf(raw, "List-Unsubscribe")!.split(/,\s*/);
    expect(https).toMatch(new RegExp(`^<${server.url}/email/unsubscribe\\?t=`));
    expect(mailto).toBe("<mailto:hello@northfold.example?subject=unsubscribe>");
    const token = decodeURIComponent(new URL(https!.slice(1, -1)).searchParams.get("t")!);
    expect(verifyUnsubscribe(TEST_API_SECRET, token)).toMatchObject({ shopId: shop.id, emailHash: emailHash("jon@example.com") });
    // The content: purchased item, offer copy, price and savings, the buyer's single-use code.
    const content = JSON.parse(row.content);
    expect(content.discountCode).toMatch(/^MOMENTS-[A-Z0-9]{10}$/);
    expect(content.checkoutUrl).toContain(`https://${SHOP}/cart/4600000700:1?discount=${content.discountCode}`);
    expect(content.product).toEqual({ title: "Premium Braided Audio Cable", imageUrl: "https://cdn.example/cable.png" });
    const text = decodedBody(raw);
    expect(text).toContain("Studio ANC Headset");
    expect(text).toContain("Complete your sound");
    expect(text).toContain("$21.52"); // 20% off $26.90, half-up
    expect(text).toContain("$5.38");
    expect(text).toContain(content.discountCode);
    // A sent message is the email moment's impression.
    expect(await db.prisma.event.count({ where: { shopId: shop.id, type: "impression", moment: "email" } })).toBe(1);
  });

  it("GIVEN the unsubscribe link WHEN the mailbox provider POSTs one-click THEN the buyer's pending message is cancelled and never sent", async () => {
    const t0 = new Date();
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6101 }), t0);
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6102, email: "other@example.com", customerId: 42 }), t0);
    const token = signUnsubscribe(TEST_API_SECRET, { shopId: shop.id, emailHash: emailHash("jon@example.com"), customerId: null, issuedAt: 1 });
    const url = `${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`;
    const page = await fetch(url, { headers: { "User-Agent": BROWSER_UA } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stop receiving follow-up offers");
    expect(await db.prisma.emailUnsubscribe.count()).toBe(0); // a GET never unsubscribes
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    const rows = await db.prisma.outboxMessage.findMany({ orderBy: { orderShopifyId: "asc" } });
    expect(rows.map((r) => [r.recipient, r.status])).toEqual([
      ["jon@example.com", "cancelled"],
      ["other@example.com", "pending"],
    ]);
    const smtp = await startSmtp();
    const transport = smtpTransport(smtp.url);
    try {
      await runBatch(deliveryOptions(transport, () => new Date(t0.getTime() + 73 * HOUR)));
    } finally {
      transport.close();
      await smtp.close();
    }
    expect(smtp.received.flatMap((m) => m.to)).toEqual(["other@example.com"]);
  });

  it("GIVEN a forged unsubscribe token WHEN posted THEN 400 and nothing changes", async () => {
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6201 }), new Date());
    const token = signUnsubscribe("not-the-secret", { shopId: shop.id, emailHash: emailHash("jon@example.com"), customerId: null, issuedAt: 1 });
    const res = await fetch(`${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(400);
    expect((await db.prisma.outboxMessage.findFirstOrThrow()).status).toBe("pending");
  });

  it("GIVEN an SMTP server that refuses twice then accepts WHEN retried with backoff THEN the message arrives exactly once", async () => {
    const smtp = await startSmtp({ onData: (n) => (n <= 2 ? tempFailure() : undefined) });
    const t0 = new Date(Date.now() - 49 * HOUR);
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6301 }), t0);
    const transport = smtpTransport(smtp.url);
    let now = new Date(t0.getTime() + 49 * HOUR);
    const run = () => runBatch(deliveryOptions(transport, () => now));
    try {
      expect(await run()).toMatchObject({ claimed: 1, retried: 1 });
      let row = await db.prisma.outboxMessage.findFirstOrThrow();
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row.lastError).toMatch(/^SMTP 451/);
      expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(60_000); // first backoff: 1 min
      expect((await run()).claimed).toBe(0); // not before the backoff
      now = new Date(now.getTime() + 60_000);
      expect(await run()).toMatchObject({ claimed: 1, retried: 1 });
      row = await db.prisma.outboxMessage.findFirstOrThrow();
      expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(5 * 60_000); // second backoff: 5 min
      now = new Date(now.getTime() + 5 * 60_000);
      expect(await run()).toMatchObject({ claimed: 1, sent: 1 });
      now = new Date(now.getTime() + 24 * HOUR);
      expect((await run()).claimed).toBe(0);
    } finally {
      transport.close();
      await smtp.close();
    }
    expect(smtp.attempts()).toBe(3);
    expect(smtp.received).toHaveLength(1);
    expect(await db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "sent", attempts: 3, lastError: null });
  });

  it("GIVEN an SMTP server that always refuses WHEN attempts run out THEN the message is failed with the reason kept", async () => {
    const smtp = await startSmtp({ onData: () => tempFailure("Mailbox busy") });
    const t0 = new Date(Date.now() - 49 * HOUR);
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 6401 }), t0);
    const transport = smtpTransport(smtp.url);
    let now = new Date(t0.getTime() + 49 * HOUR);
    try {
      for (let i = 0; i < 8; i++) {
        await runBatch(deliveryOptions(transport, () => now, { maxAttempts: 5 }));
        now = new Date(now.getTime() + 7 * HOUR); // past every backoff step
      }
    } finally {
      transport.close();
      await smtp.close();
    }
    expect(smtp.attempts()).toBe(5);
    const row = await db.prisma.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "failed", attempts: 5 });
    expect(row.lastError).toMatch(/^gave up after 5 attempts: SMTP 451.*Mailbox busy/);
  });

  it("GIVEN two workers on one database WHEN they drain 40 due messages concurrently THEN each message is sent once", async () => {
    const t0 = new Date(Date.now() - 49 * HOUR);
    for (let i = 0; i < 40; i++) await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 7000 + i, email: `buyer${i}@example.com`, customerId: 9000 + i }), t0);
    const smtp = await startSmtp();
    const second = createPrisma(db.url);
    const [ta, tb] = [smtpTransport(smtp.url), smtpTransport(smtp.url)];
    const drain = async (opts: DeliveryOptions) => {
      while ((await runBatch(opts)).claimed > 0);
    };
    try {
      await Promise.all([
        drain(deliveryOptions(ta, () => new Date(), { batchSize: 5, workerId: "a" })),
        drain(deliveryOptions(tb, () => new Date(), { batchSize: 5, workerId: "b", prisma: second })),
      ]);
    } finally {
      ta.close();
      tb.close();
      await second.$disconnect();
      await smtp.close();
    }
    expect(smtp.received).toHaveLength(40);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(40);
    expect(await db.prisma.outboxMessage.count({ where: { status: "sent" } })).toBe(40);
  });
});

describe("the tracked link and the demo transport", () => {
  it("GIVEN a sent message WHEN the buyer clicks THEN a click event is recorded and they land on the checkout with their code", async () => {
    const t0 = new Date(Date.now() - 49 * HOUR);
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 8001 }), t0);
    const dir = mkdtempSync(path.join(os.tmpdir(), "moments-eml-"));
    await runBatch(deliveryOptions(emlTransport(dir), () => new Date()));
    const [file] = listEmlFiles(dir);
    expect(file).toMatchObject({ subject: "Complete your sound", to: "jon@example.com" });
    const raw = decodedBody(readFileSync(path.join(dir, file!.name), "utf8"));
    const href = /href="(http[^"]*\/email\/click\?t=[^"]+)"/.exec(raw)![1]!.replace(/&amp;/g, "&");
    const res = await fetch(href, { redirect: "manual", headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(302);
    const row = await db.prisma.outboxMessage.findFirstOrThrow();
    const location = new URL(res.headers.get("location")!);
    expect(location.host).toBe(SHOP);
    expect(location.pathname).toBe("/cart/4600000700:1");
    expect(location.searchParams.get("discount")).toBe(row.discountCode);
    expect(location.searchParams.get("attributes[_moments_moment]")).toBe("email");
    expect(row.clicks).toBe(1);
    expect(await db.prisma.event.count({ where: { shopId: shop.id, type: "click", moment: "email", offerId: row.offerId } })).toBe(1);
  });

  it("GIVEN a tampered click token THEN 400", async () => {
    const res = await fetch(`${server.url}/email/click?t=abc.def`, { headers: { "User-Agent": BROWSER_UA } });
    expect(res.status).toBe(400);
  });

  it("GIVEN the Admin API WHEN a code is created THEN it is single-use for that buyer, and a retry that finds it taken succeeds", async () => {
    const calls: Array<{ variables?: Record<string, unknown> }> = [];
    let answer: unknown = { data: { discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/1" }, userErrors: [] } } };
    const gateway = shopifyGateway({ graphql: async (_q, options) => (calls.push(options ?? {}), Response.json(answer)) }, "USD");
    const input = { code: "MOMENTS-ABC", title: "t", percentage: 0.2, variantIds: [CABLE.variant], customerId: "gid://shopify/Customer/1", startsAt: new Date(0), endsAt: new Date(1) };
    expect(await gateway.createDiscountCode(input)).toEqual({ code: "MOMENTS-ABC" });
    expect(calls[0]!.variables).toMatchObject({
      basicCodeDiscount: {
        code: "MOMENTS-ABC",
        usageLimit: 1,
        context: { customers: { add: ["gid://shopify/Customer/1"] } },
        customerGets: { value: { percentage: 0.2 }, items: { products: { productVariantsToAdd: [CABLE.variant] } } },
      },
    });
    answer = { data: { discountCodeBasicCreate: { codeDiscountNode: null, userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique.", code: "TAKEN" }] } } };
    expect(await gateway.createDiscountCode(input)).toEqual({ code: "MOMENTS-ABC" });
    answer = { data: { discountCodeBasicCreate: { codeDiscountNode: null, userErrors: [{ field: ["basicCodeDiscount", "endsAt"], message: "Ends before it starts", code: "END_DATE_BEFORE_START_DATE" }] } } };
    await expect(gateway.createDiscountCode(input)).rejects.toThrow(/Ends before it starts/);
  });

  it("GIVEN the discount mutation THEN it validates against the Admin API schema " + SHOPIFY_API_VERSION, () => {
    const file = path.join(ROOT, `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`);
    const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
    const schema = buildClientSchema(json.data ?? json);
    expect(validate(schema, parse(DISCOUNT_CODE_CREATE_MUTATION.replace("#graphql", ""))).map((e) => e.message)).toEqual([]);
  });

});

