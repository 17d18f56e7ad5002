/**
 * Suggestions from the shop's orders (decision 029), demo side and storage: the demo store's seeded
 * history mined through the same path (mineOrderLines, rankCandidates), the planted complements
 * found, "Create draft" through the playbook's draft path (a draft offer with a 10% hold-out), every
 * read and write scoped by the shop, and the daily schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { DEMO_CATALOG, demoProductGid } from "~/demo/catalog";
import { DEMO_PLANTED_COMPLEMENTS } from "~/demo/order-history";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { InvalidInput } from "~/lib/errors";
import { redactShop } from "~/privacy.server";
import { requestMining, stepMining, RECENT_ORDERS_DAYS } from "~/suggestions/mining.server";
import { createSuggestionDraft, suggestionsPage } from "~/suggestions/suggestions.server";
import { runDueMining } from "~/suggestions/worker.server";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
const NOW = new Date(Date.UTC(2026, 11, 3, 9, 0));
const gid = (key: string) => demoProductGid(DEMO_CATALOG.findIndex((p) => p.key === key));

beforeAll(async () => {
  db = freshDatabase("suggestions");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 10, ordersPerDay: 3, now: NOW });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  await requestMining(db.prisma, shop.id);
  await stepMining(db.prisma, shop, gateway, NOW);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

describe("the demo shop's suggestions", () => {
  it("GIVEN the demo store's seeded history WHEN it is mined THEN the run is done over the last 60 days of orders, from co-purchases", async () => {
    const run = await db.prisma.suggestionRun.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(run).toMatchObject({ status: "done", basis: "orders", lastError: null, operationId: null });
    expect(run.since).toEqual(new Date(NOW.getTime() - RECENT_ORDERS_DAYS * 86_400_000));
    // About 12 orders a day for 60 days, plus the seeded Order rows of the last 10 days.
    expect(run.ordersMined).toBeGreaterThan(500);
    expect(run.ordersMined).toBeLessThan(1000);
  });

  it("GIVEN the planted headset -> cable complement WHEN the in-cart suggestions are read THEN the cable is offered to headset buyers, from co-purchases with lift above 1 and its expected revenue", async () => {
    const cart = await db.prisma.suggestion.findMany({ where: { shopId: shop.id, moment: "cart" } });
    const pair = cart.find((s) => s.triggerProductId === gid("headset") && s.productId === gid("cable"));
    expect(pair).toMatchObject({ source: "co_purchase", currency: "EUR" });
    expect(pair!.coPurchases).toBeGreaterThan(10);
    expect(pair!.lift).toBeGreaterThan(2);
    // incremental take rate x the cable's 24.90 EUR x 1,000 buyers (in-cart factor 1), minor units.
    expect(Number(pair!.expectedRevenuePer1000)).toBe(Math.round(pair!.incrementalTakeRate * 2490 * 1000));
  });

  it("GIVEN every planted complement WHEN the suggestions of all moments are read THEN each planted pair is suggested somewhere, and only pairs with evidence come first", async () => {
    // The suggestions of the buyer moments (not the dynamic offers' complement rows, decision 034).
    const all = await db.prisma.suggestion.findMany({ where: { shopId: shop.id, moment: { not: "dynamic" } } });
    for (const p of DEMO_PLANTED_COMPLEMENTS) {
      expect(
        all.some((s) => s.triggerProductId === gid(p.trigger) && s.productId === gid(p.complement)),
        `${p.trigger} -> ${p.complement}`,
      ).toBe(true);
    }
    const firsts = all.filter((s) => s.rank === 0);
    expect(firsts.map((s) => s.moment).sort()).toEqual(["cart", "checkout", "email", "post_purchase", "thank_you"]);
    expect(firsts.every((s) => s.source === "co_purchase")).toBe(true);
  });

  it("GIVEN the suggestions page WHEN it loads THEN each moment lists its suggestions titled from the catalog, best first", async () => {
    const page = await suggestionsPage(db.prisma, shop, gateway);
    expect(page.run).toMatchObject({ status: "done", basis: "orders" });
    expect(page.moments.map((m) => m.moment)).toEqual(["cart", "checkout", "post_purchase", "thank_you", "email"]);
    const cart = page.moments[0]!.suggestions;
    expect(cart.length).toBeGreaterThan(0);
    expect(cart.map((s) => s.rank)).toEqual([...cart.keys()]);
    const revenue = cart.map((s) => s.expectedRevenuePer1000);
    expect(revenue).toEqual([...revenue].sort((a, b) => b - a));
    expect(cart.find((s) => s.product.id === gid("cable"))?.trigger.title).toBe("Studio ANC Headset");
  });
});

describe("Create draft", () => {
  it("GIVEN a suggestion WHEN the merchant creates its draft THEN one draft offer of that moment offers the product to the trigger's buyers, with a draft experiment holding out 10%", async () => {
    const s = await db.prisma.suggestion.findFirstOrThrow({
      where: { shopId: shop.id, moment: "post_purchase", triggerProductId: gid("headset"), productId: gid("cable") },
    });
    const before = await db.prisma.offer.count({ where: { shopId: shop.id } });
    const result = await createSuggestionDraft(db.prisma, shop, gateway, s.id);
    expect(result.ok).toBe(true);
    const id = (result as { id: string }).id;
    expect(await db.prisma.offer.count({ where: { shopId: shop.id } })).toBe(before + 1);
    const offer = await db.prisma.offer.findUniqueOrThrow({ where: { id }, include: { moments: true } });
    expect(offer).toMatchObject({
      shopId: shop.id,
      status: "draft",
      type: "product",
      name: "Suggested: Premium Braided Audio Cable with Studio ANC Headset",
    });
    expect(offer.moments.map((m) => m.moment)).toEqual(["post_purchase"]);
    const definition = JSON.parse(offer.definition) as {
      items: Array<{ productId: string }>;
      trigger?: { productIds?: string[] };
    };
    expect(definition.items.map((i) => i.productId)).toEqual([gid("cable")]);
    expect(JSON.stringify(definition)).toContain(gid("headset"));
    const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { shopId: shop.id, offerId: id } });
    expect(experiment).toMatchObject({ status: "draft", holdoutBps: 1000 });
  });
});

describe("scoped by shop", () => {
  it("GIVEN a second shop with its own run WHEN it is mined and read THEN it sees only its own suggestions, cannot draft the demo shop's, and the demo shop's stay untouched", async () => {
    const demoBefore = await db.prisma.suggestion.count({ where: { shopId: shop.id } });
    const other = await db.prisma.shop.create({
      data: { domain: "other-suggestions.myshopify.com", name: "Other", currency: "EUR", settings: { create: {} } },
    });
    // The other shop's store: the demo catalog but an order history of its own (none).
    const otherGateway: ShopGateway = {
      ...gateway,
      orderHistory: {
        ...gateway.orderHistory!,
        start: async () => ({ status: "completed", operationId: null, format: "order_lines", lines: () => [] }),
      },
    };
    const run = await stepMining(db.prisma, other, otherGateway, NOW);
    expect(run).toMatchObject({ shopId: other.id, status: "done", basis: "catalog", ordersMined: 0 });
    const mine = await db.prisma.suggestion.findMany({ where: { shopId: other.id } });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((s) => s.source === "similar_catalog" && s.coPurchases === 0)).toBe(true);
    expect(await db.prisma.suggestion.count({ where: { shopId: shop.id } })).toBe(demoBefore);

    const page = await suggestionsPage(db.prisma, other, otherGateway);
    const ids = new Set(page.moments.flatMap((m) => m.suggestions.map((s) => s.id)));
    expect(ids).toEqual(new Set(mine.map((s) => s.id)));

    const demoSuggestion = await db.prisma.suggestion.findFirstOrThrow({ where: { shopId: shop.id } });
    await expect(createSuggestionDraft(db.prisma, other, otherGateway, demoSuggestion.id)).rejects.toBeInstanceOf(
      InvalidInput,
    );
    expect(await db.prisma.offer.count({ where: { shopId: other.id } })).toBe(0);
  });
});

describe("shop/redact", () => {
  it("GIVEN two mined shops WHEN one is redacted THEN its run and suggestions are gone and the demo shop's stay", async () => {
    const other = await db.prisma.shop.create({
      data: {
        domain: "redacted-suggestions.myshopify.com",
        name: "Redacted",
        currency: "EUR",
        settings: { create: {} },
      },
    });
    await stepMining(db.prisma, other, gateway, NOW);
    expect(await db.prisma.suggestion.count({ where: { shopId: other.id } })).toBeGreaterThan(0);
    const demoBefore = await db.prisma.suggestion.count({ where: { shopId: shop.id } });
    await db.prisma.$transaction((tx) => redactShop(tx, other.domain, "webhook-redact-1"));
    expect(await db.prisma.suggestion.count({ where: { shopId: other.id } })).toBe(0);
    expect(await db.prisma.suggestionRun.count({ where: { shopId: other.id } })).toBe(0);
    expect(await db.prisma.suggestion.count({ where: { shopId: shop.id } })).toBe(demoBefore);
  });
});

describe("the daily schedule", () => {
  it("GIVEN a run finished a day ago WHEN the worker ticks THEN it mines the shop again, and a tick right after leaves the fresh run alone", async () => {
    const dayAfter = new Date(NOW.getTime() + 25 * 3600_000);
    const before = await db.prisma.suggestionRun.findUniqueOrThrow({ where: { shopId: shop.id } });
    const gatewayFor = async () => gateway;
    expect(await runDueMining(db.prisma, dayAfter, { gatewayFor })).toBeGreaterThanOrEqual(1);
    const after = await db.prisma.suggestionRun.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(after.status).toBe("done");
    expect(after.startedAt!.getTime()).toBe(dayAfter.getTime());
    expect(after.finishedAt!.getTime()).toBeGreaterThan(before.finishedAt!.getTime());

    const ticked = await runDueMining(db.prisma, new Date(dayAfter.getTime() + 60_000), { gatewayFor });
    const again = await db.prisma.suggestionRun.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(again.startedAt!.getTime()).toBe(dayAfter.getTime());
    expect(ticked).toBe(0);
  });
});
