/**
 * The follow-up email carries the post-purchase offer when neither the post-purchase page nor the
 * thank-you page showed it (decision 026: wallet checkouts skip the first). Scheduled with the
 * order when the shop has no email offer for it; cancelled at send time when one of the pages made
 * the offer since.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmailContent } from "~/email/content.server";
import { runBatch } from "~/email/outbox.server";
import { emlTransport, listEmlFiles } from "~/email/transport.server";
import { demoGateway } from "~/gateway/demo.server";
import { buildPayload } from "~/publish/publish.server";
import { addEmailOffer, APP_URL, CABLE, HEADSET, orderPayload, schedule } from "./email.fixtures";
import { freshDatabase, type TestDatabase } from "./support/db";
import { parseOrderCreated } from "~/orders/order-payload.server";
import { TEST_API_SECRET } from "./support/server";

const SHOP = "wallet-buyers.myshopify.com";
const CHECKOUT = "b7c8d9e0f1a2b3c4";
const NOW = new Date();

let db: TestDatabase;
let shop: { id: string; domain: string };

/** A shop whose only offer after the order is a post-purchase one: the cable, 25% off, after a headset. */
async function seedPostPurchaseShop(prisma: PrismaClient) {
  const created = await prisma.shop.create({
    data: {
      domain: SHOP,
      name: "Wallet Buyers",
      currency: "USD",
      settings: { create: { emailSenderName: "Wallet Buyers", emailSenderAddress: "hello@wallet.example" } },
    },
  });
  await prisma.demoProduct.create({
    data: {
      id: CABLE.product,
      shopId: created.id,
      title: "Premium Braided Audio Cable",
      handle: "cable",
      vendor: "Voltline",
      productType: "Accessory",
      variants: { create: [{ id: CABLE.variant, title: "1.5 m", priceEurMinor: 2490, priceUsdMinor: 2690 }] },
    },
  });
  const definition = {
    type: "product",
    moments: ["post_purchase"],
    priority: 10,
    items: [{ productId: CABLE.product, variantId: CABLE.variant, quantity: 1, prices: { USD: 2690, EUR: 2490 } }],
    discount: { kind: "percent", percent: 25 },
    copy: { en: { title: "Add the cable to your order", body: "One click: 25% off the braided cable." } },
    targeting: { products: [HEADSET.product] },
  };
  const offer = await prisma.offer.create({
    data: {
      shopId: created.id,
      name: "Cable (post-purchase)",
      type: "product",
      status: "active",
      definition: JSON.stringify(definition),
      moments: { create: [{ moment: "post_purchase" }] },
    },
  });
  await publish(prisma, created.id);
  return { shop: created, offer };
}

async function publish(prisma: PrismaClient, shopId: string) {
  const { json, offers } = await buildPayload(prisma, shopId, new Date());
  const row = { payload: json, bytes: json.length, offerCount: offers, publishedAt: new Date() };
  await prisma.publication.upsert({ where: { shopId }, create: { shopId, ...row }, update: row });
}

/** A consenting buyer's headset order, paid through a checkout with this token. */
const walletOrder = (id: number) => parseOrderCreated({ ...orderPayload(SHOP, { id }), checkout_token: CHECKOUT });

async function sendDue(prisma: PrismaClient) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "moments-fallback-"));
  const transport = emlTransport(dir);
  const later = new Date(NOW.getTime() + 80 * 3_600_000);
  const result = await runBatch({
    prisma,
    transport,
    gatewayFor: async (id) => demoGateway(prisma, id),
    appUrl: APP_URL,
    secret: TEST_API_SECRET,
    now: () => later,
  });
  transport.close();
  return { result, files: listEmlFiles(dir) };
}

beforeAll(() => {
  db = freshDatabase("email-fallback");
});
afterAll(async () => {
  await db.prisma.$disconnect();
});
beforeEach(async () => {
  for (const t of [
    "outboxMessage",
    "postPurchaseOffer",
    "event",
    "offer",
    "publication",
    "demoProduct",
    "shop",
  ] as const) {
    await (db.prisma[t] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  ({ shop } = await seedPostPurchaseShop(db.prisma));
});

describe("the post-purchase offer in the follow-up email (decision 026)", () => {
  it("GIVEN a wallet order (no post-purchase page) and no email offer WHEN orders/create schedules THEN the email carries the post-purchase offer, and it is sent when the thank-you page did not show it either", async () => {
    const outcome = await schedule(db.prisma, shop, walletOrder(6101), NOW);
    expect(outcome).toMatchObject({ scheduled: true });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { shopId: shop.id } });
    const content = JSON.parse(row.content) as EmailContent;
    expect(content.fallback).toEqual({ moment: "post_purchase", referenceId: CHECKOUT });
    // 25% off the 26.90 USD cable: the engine's price, in the order's currency.
    expect(content.offer).toMatchObject({
      title: "Add the cable to your order",
      price: { currency: "USD", original: 2690, final: 2017 },
    });

    const { result, files } = await sendDue(db.prisma);
    expect(result).toMatchObject({ sent: 1, cancelled: 0 });
    expect(files).toHaveLength(1);
  });

  it("GIVEN the thank-you page showed the post-purchase offer after the email was scheduled WHEN the email is due THEN it is cancelled, not sent", async () => {
    await schedule(db.prisma, shop, walletOrder(6102), NOW);
    // The thank-you page's fallback made the offer (app/models/thank-you-fallback.server.ts).
    const offer = await db.prisma.offer.findFirstOrThrow({ where: { shopId: shop.id } });
    await db.prisma.postPurchaseOffer.create({
      data: {
        shopId: shop.id,
        referenceId: CHECKOUT,
        orderId: "gid://shopify/Order/6102",
        offerId: offer.id,
        moment: "thank_you",
        step: 1,
        currency: "USD",
        finalMinor: 2017,
      },
    });
    const { result, files } = await sendDue(db.prisma);
    expect(result).toMatchObject({ sent: 0, cancelled: 1 });
    expect(files).toEqual([]);
    expect(await db.prisma.outboxMessage.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      status: "cancelled",
      lastError: "the post-purchase offer was shown on the post-purchase or thank-you page",
    });
  });

  it("GIVEN the post-purchase page made its offer before the order arrived WHEN orders/create schedules THEN no email is scheduled for it", async () => {
    const offer = await db.prisma.offer.findFirstOrThrow({ where: { shopId: shop.id } });
    await db.prisma.postPurchaseOffer.create({
      data: {
        shopId: shop.id,
        referenceId: CHECKOUT,
        offerId: offer.id,
        moment: "post_purchase",
        status: "declined",
        step: 1,
        currency: "USD",
        finalMinor: 2017,
      },
    });
    expect(await schedule(db.prisma, shop, walletOrder(6103), NOW)).toEqual({ scheduled: false, reason: "no_offer" });
  });

  it("GIVEN the shop also has an email offer WHEN orders/create schedules THEN the email carries the email offer, not the fallback", async () => {
    await addEmailOffer(db.prisma, shop.id);
    await schedule(db.prisma, shop, walletOrder(6104), NOW);
    const content = JSON.parse(
      (await db.prisma.outboxMessage.findFirstOrThrow({ where: { shopId: shop.id } })).content,
    ) as EmailContent;
    expect(content.fallback).toBeUndefined();
    expect(content.offer.title).toBe("Complete your sound");
  });
});
