/**
 * Dynamic offers (decision 034), the app's side: the complements mined with the suggestions, the
 * complement table built at publish time from them and the catalog (bounded, sellable complements
 * only), the engine's choice on the published payload, the Discount Function's copy of the table,
 * and the schedule republishing a shop with a live dynamic offer after each run. On the demo
 * store's seeded history, through the same paths as a real shop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import {
  COMPLEMENT_TRIGGERS_MAX,
  COMPLEMENTS_PER_TRIGGER,
  decide,
  decodePayload,
  verifyOfferLine,
  type Payload,
} from "@moments/engine";
import { functionShards, joinShards } from "@moments/contracts";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { DEMO_DYNAMIC_OFFER } from "~/demo/demo-offer-dynamic";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { DEMO_PLANTED_COMPLEMENTS } from "~/demo/order-history";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { buildComplements, PRODUCTS_PER_READ } from "~/publish/complements.server";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { DYNAMIC_MOMENT } from "~/suggestions/complements";
import { requestMining, stepMining } from "~/suggestions/mining.server";
import { runDueMining } from "~/suggestions/worker.server";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
const NOW = new Date(Date.UTC(2026, 11, 3, 9, 0));
const index = (key: string) => DEMO_CATALOG.findIndex((p) => p.key === key);
const gid = (key: string) => demoProductGid(index(key));

beforeAll(async () => {
  db = freshDatabase("dynamic");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 10, ordersPerDay: 3, now: NOW });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  await requestMining(db.prisma, shop.id);
  await stepMining(db.prisma, shop, gateway, NOW);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const complementRows = () =>
  db.prisma.suggestion.findMany({
    where: { shopId: shop.id, moment: DYNAMIC_MOMENT },
    orderBy: [{ triggerProductId: "asc" }, { rank: "asc" }],
  });

describe("complements mined with the suggestions", () => {
  it("GIVEN the mined demo history THEN each trigger keeps at most 3 co-purchased complements, ranked 0.., by expected revenue, the planted ones among them; the suggestions page never lists them", async () => {
    const rows = await complementRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.source === "co_purchase" && r.coPurchases >= 2)).toBe(true);
    const byTrigger = new Map<string, typeof rows>();
    for (const r of rows) byTrigger.set(r.triggerProductId, [...(byTrigger.get(r.triggerProductId) ?? []), r]);
    for (const list of byTrigger.values()) {
      expect(list.length).toBeLessThanOrEqual(COMPLEMENTS_PER_TRIGGER);
      expect(list.map((r) => r.rank)).toEqual(list.map((_, i) => i));
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.expectedRevenuePer1000 <= list[i - 1]!.expectedRevenuePer1000).toBe(true);
    }
    for (const p of DEMO_PLANTED_COMPLEMENTS)
      expect(byTrigger.get(gid(p.trigger))?.map((r) => r.productId)).toContain(gid(p.complement));
  });
});

describe("the complement table at publish time", () => {
  let payload: Payload;
  beforeAll(async () => {
    expect(await ensureDemoOffers(db.prisma, shop.id)).toBeGreaterThan(1);
    const outcome = await publishShop(db.prisma, shop, gateway, NOW);
    expect(outcome).toMatchObject({ ok: true });
    payload = (await getPublishedPayload(db.prisma, shop.id))!;
  });

  it("GIVEN a live dynamic offer WHEN published THEN the payload carries the table: each mined trigger's complements in mined order, as sellable variants with EUR and USD prices and images", async () => {
    expect(payload.offers.some((o) => o.type === "dynamic" && o.items.length === 0)).toBe(true);
    const table = payload.complements!;
    expect(table.length).toBeGreaterThan(0);
    expect(table.length).toBeLessThanOrEqual(COMPLEMENT_TRIGGERS_MAX);
    const rows = await complementRows();
    for (const entry of table) {
      const mined = rows.filter((r) => r.triggerProductId === entry.productId).map((r) => r.productId);
      expect(entry.items.map((i) => i.productId)).toEqual(
        mined.filter((id) => entry.items.some((i) => i.productId === id)),
      );
      for (const item of entry.items) {
        const p = DEMO_CATALOG[DEMO_CATALOG.findIndex((_, i) => demoProductGid(i) === item.productId)]!;
        expect(item.prices.EUR).toBeGreaterThan(0);
        expect(item.prices.USD).toBeGreaterThan(0);
        expect(p.variants.map((_, vi) => demoVariantGid(index(p.key), vi))).toContain(item.variantId);
        expect(item.image?.join("")).toContain(p.key);
      }
    }
    const laptop = table.find((e) => e.productId === gid("laptop"))!;
    expect(laptop.items.map((i) => i.productId)).toContain(gid("headset"));
  });

  it("GIVEN a laptop order at the thank-you page WHEN the engine decides on the published payload THEN the dynamic offer shows the laptop's best complement, 10% off", () => {
    const laptop = DEMO_CATALOG[index("laptop")]!.variants[0]!;
    const cart = {
      lines: [
        { productId: gid("laptop"), variantId: demoVariantGid(index("laptop"), 0), quantity: 1, unitPrice: laptop.eur },
      ],
      subtotal: laptop.eur,
      currency: "EUR",
    };
    const at = decide({ now: NOW.getTime(), moments: ["thank_you"], buyerKey: "b1", cart, payload }).moments[0]!;
    const shown = at.offers.find((o) => o.offerId.startsWith(DEMO_DYNAMIC_OFFER.id))!;
    const best = payload.complements!.find((e) => e.productId === gid("laptop"))!.items[0]!;
    expect(shown.lines.map((l) => l.variantId)).toEqual([best.variantId]);
    expect(shown.price.final).toBe(best.prices.EUR! - Math.round(best.prices.EUR! / 10));

    // The Discount Function's copy (no images) prices the added line as shown.
    const shards = functionShards(payload);
    const joined = joinShards(shards.values);
    expect(joined.kind).toBe("json");
    const forFunction = decodePayload(joined.kind === "json" ? joined.json : "");
    expect(forFunction.ok).toBe(true);
    if (!forFunction.ok) return;
    expect(forFunction.payload.complements![0]!.items[0]!.image).toBeUndefined();
    const line = { ...shown.lines[0]!, unitPrice: best.prices.EUR!, attributes: shown.lines[0]!.attributes };
    const verified = verifyOfferLine(forFunction.payload, line, {
      now: NOW.getTime(),
      cart: { ...cart, lines: [...cart.lines, line] },
    });
    expect(verified).toMatchObject({ ok: true, finalTotal: shown.price.final });
  });

  it("GIVEN more triggers than the bound and a sold-out complement WHEN the table is built THEN the 50 worth most are kept and the sold-out product is passed over", async () => {
    const headsetVariants = DEMO_CATALOG[index("headset")]!.variants.map((_, vi) =>
      demoVariantGid(index("headset"), vi),
    );
    await db.prisma.demoVariant.updateMany({ where: { id: { in: headsetVariants } }, data: { inventory: 0 } });
    const extra = Array.from({ length: 60 }, (_, i) => ({
      shopId: shop.id,
      moment: DYNAMIC_MOMENT,
      rank: 0,
      triggerProductId: `gid://shopify/Product/${9100000000 + i}`,
      productId: gid("tool-case"),
      source: "co_purchase",
      coPurchases: 5,
      lift: 2,
      expectedTakeRate: 0.1,
      incrementalTakeRate: 0.05,
      expectedRevenuePer1000: BigInt(100_000_000 + i),
      currency: "EUR",
    }));
    await db.prisma.suggestion.createMany({ data: extra });
    try {
      const table = await buildComplements(db.prisma, shop.id, (ids) => gateway.getProducts(ids));
      expect(table).toHaveLength(COMPLEMENT_TRIGGERS_MAX);
      expect(table.map((e) => e.productId)).toEqual(
        extra
          .slice()
          .reverse()
          .slice(0, COMPLEMENT_TRIGGERS_MAX)
          .map((r) => r.triggerProductId),
      );
      const all = await buildComplements(db.prisma, shop.id, (ids) => gateway.getProducts(ids.slice()));
      expect(all.flatMap((e) => e.items).some((i) => i.productId === gid("headset"))).toBe(false);
    } finally {
      await db.prisma.suggestion.deleteMany({
        where: { shopId: shop.id, triggerProductId: { in: extra.map((r) => r.triggerProductId) } },
      });
      await db.prisma.demoVariant.updateMany({ where: { id: { in: headsetVariants } }, data: { inventory: 40 } });
    }
  });

  it("GIVEN 300 mined triggers with distinct complements WHEN the table is built THEN only the best triggers' complements are read, at most PRODUCTS_PER_READ ids a call", async () => {
    const extra = Array.from({ length: 300 }, (_, i) => ({
      shopId: shop.id,
      moment: DYNAMIC_MOMENT,
      rank: 0,
      triggerProductId: `gid://shopify/Product/${9200000000 + i}`,
      productId: `gid://shopify/Product/${9300000000 + i}`,
      source: "co_purchase",
      coPurchases: 5,
      lift: 2,
      expectedTakeRate: 0.1,
      incrementalTakeRate: 0.05,
      expectedRevenuePer1000: BigInt(200_000_000 + i),
      currency: "EUR",
    }));
    await db.prisma.suggestion.createMany({ data: extra });
    const calls: string[][] = [];
    try {
      await buildComplements(db.prisma, shop.id, (ids) => {
        calls.push(ids);
        return gateway.getProducts(ids);
      });
      expect(calls.every((ids) => ids.length <= PRODUCTS_PER_READ)).toBe(true);
      const read = new Set(calls.flat());
      // The 2 x COMPLEMENT_TRIGGERS_MAX best triggers are the planted ones with the highest worth.
      const best = extra.slice(-COMPLEMENT_TRIGGERS_MAX * 2).map((r) => r.productId);
      expect([...read].sort()).toEqual(best.sort());
    } finally {
      await db.prisma.suggestion.deleteMany({
        where: { shopId: shop.id, triggerProductId: { in: extra.map((r) => r.triggerProductId) } },
      });
    }
  });

  it("GIVEN a mined complement that was archived or put back to draft since WHEN the table is built THEN it is skipped", async () => {
    const headset = gid("headset");
    const inactive: ShopGateway["getProducts"] = async (ids) =>
      (await gateway.getProducts(ids)).map((p) => (p.id === headset ? { ...p, active: false } : p));
    const table = await buildComplements(db.prisma, shop.id, inactive);
    expect(table.length).toBeGreaterThan(0);
    expect(table.flatMap((e) => e.items).some((i) => i.productId === headset)).toBe(false);
  });

  it("GIVEN the catalog cannot be read WHEN publishing THEN the offers are published without a table and the merchant is told why", async () => {
    const broken: ShopGateway = { ...gateway, getProducts: () => Promise.reject(new Error("Shopify is down")) };
    const outcome = await publishShop(db.prisma, shop, broken, NOW);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("dynamic offers show nothing") });
    expect(outcome.ok ? "" : outcome.error).toContain("Shopify is down");
    expect((await getPublishedPayload(db.prisma, shop.id))!.complements).toBeUndefined();
  });

  it("GIVEN no live dynamic offer WHEN published THEN the payload has no table at all", async () => {
    await db.prisma.offer.updateMany({
      where: { shopId: shop.id, id: { startsWith: DEMO_DYNAMIC_OFFER.id } },
      data: { status: "paused" },
    });
    try {
      await publishShop(db.prisma, shop, gateway, NOW);
      const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
      expect(JSON.parse(row.payload)).not.toHaveProperty("p");
    } finally {
      await db.prisma.offer.updateMany({
        where: { shopId: shop.id, id: { startsWith: DEMO_DYNAMIC_OFFER.id } },
        data: { status: "active" },
      });
    }
  });

  it("GIVEN a live dynamic offer WHEN the schedule finishes a run THEN the shop is republished with the new complements", async () => {
    await db.prisma.suggestion.deleteMany({ where: { shopId: shop.id, moment: DYNAMIC_MOMENT } });
    await publishShop(db.prisma, shop, gateway, NOW);
    expect((await getPublishedPayload(db.prisma, shop.id))!.complements).toBeUndefined();
    await requestMining(db.prisma, shop.id);
    const later = new Date(NOW.getTime() + 60_000);
    expect(await runDueMining(db.prisma, later, { gatewayFor: async () => gateway })).toBeGreaterThan(0);
    const republished = (await getPublishedPayload(db.prisma, shop.id))!;
    expect(republished.publishedAt).toBe(later.getTime());
    expect(republished.complements!.some((e) => e.productId === gid("laptop"))).toBe(true);
  });
});
