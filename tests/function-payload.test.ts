/**
 * The Discount Function's payload: Shopify gives a function metafield values of at most 10,000
 * bytes, so every publish also writes the payload without copy, cut into the `$app` shop metafields
 * fn-0..fn-3, in the same metafieldsSet call as the checkout's payload. Real mode goes through the
 * gateway to a fake of Shopify's Admin GraphQL endpoint that keeps the shop's metafields as Shopify
 * would (all or nothing per call, blank values refused); demo mode through the demo store.
 */
import type { Shop } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodePayload, type Offer, type Payload } from "@moments/engine";
import { makeOffers } from "../packages/engine/test/fixtures";
import { verifyLines } from "@moments/surfaces/discount";
import {
  joinShards,
  leanOffer,
  NO_SHARD,
  type RunInput,
  SHARD_ALIASES,
  SHARD_KEYS,
  SHARD_MAX_BYTES,
  splitUtf8,
} from "@moments/contracts";
import { plainInputLine } from "../extensions/discount-function/test/support/fixtures";
import { demoGateway } from "~/gateway/demo.server";
import { OFFER_DISCOUNT_TITLE, shopifyGateway, type AdminGraphql } from "~/gateway/shopify.server";
import { publishShop } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";

/** Shopify's side: the shop's `$app` metafields, and every metafieldsSet call the app made. */
function fakeShopify() {
  const metafields = new Map<string, { type: string; value: string }>();
  const calls: Array<Array<{ key: string; type: string; value: string; namespace: string }>> = [];
  const admin: AdminGraphql = {
    async graphql(query: string, options?: { variables?: Record<string, unknown> }) {
      if (query.includes("MomentsShop"))
        return Response.json({
          data: { shop: { id: "gid://shopify/Shop/5", name: "s", currencyCode: "EUR", plan: { shopifyPlus: true } } },
        });
      if (query.includes("MomentsPublish")) {
        const input = options!.variables!.metafields as Array<{
          key: string;
          type: string;
          value: string;
          namespace: string;
        }>;
        calls.push(input);
        const blank = input.findIndex((m) => m.value.trim() === "");
        if (blank >= 0 || input.length > 25) {
          const userErrors = [
            { field: ["metafields", String(blank), "value"], message: "Value can't be blank", code: "BLANK" },
          ];
          return Response.json({ data: { metafieldsSet: { metafields: null, userErrors } } });
        }
        for (const m of input) metafields.set(m.key, { type: m.type, value: m.value });
        const saved = input.map((m) => ({ key: m.key, namespace: m.namespace, updatedAt: "2026-11-24T08:00:00Z" }));
        return Response.json({ data: { metafieldsSet: { metafields: saved, userErrors: [] } } });
      }
      if (query.includes("MomentsOfferDiscounts")) {
        const nodes = [
          {
            id: "gid://shopify/DiscountAutomaticNode/1",
            automaticDiscount: { title: OFFER_DISCOUNT_TITLE, status: "ACTIVE" },
          },
        ];
        return Response.json({ data: { automaticDiscountNodes: { nodes } } });
      }
      if (query.includes("MomentsOfferDiscountInput"))
        return Response.json({ data: { metafieldsSet: { metafields: [], userErrors: [] } } });
      throw new Error(`unexpected query: ${query.slice(0, 60)}`);
    },
  };
  /** What the function's input query would read: fn-0..fn-3 in order (null: no metafield). */
  const shards = () => SHARD_KEYS.map((k) => metafields.get(k)?.value ?? null);
  return { admin, metafields, calls, shards };
}

const decode = (json: string): Payload => {
  const d = decodePayload(json);
  if (!d.ok) throw new Error(`payload does not decode: ${d.error.path} ${d.error.message}`);
  return d.payload;
};
const functionPayload = (shards: ReadonlyArray<string | null>): Payload | null => {
  const joined = joinShards(shards);
  return joined.kind === "json" ? decode(joined.json) : null;
};

/** One offer line (and its trigger) as the function's input query answers it, priced from `shards`. */
function functionVerdict(offer: Offer, shards: ReadonlyArray<string | null>) {
  let n = 0;
  const line = (productId: string, variantId: string, unit: number) =>
    plainInputLine(`gid://shopify/CartLine/${++n}`, productId, variantId, unit);
  const item = offer.items[0]!;
  const trigger = line(offer.targeting!.products![0]!, "gid://shopify/ProductVariant/1", 10_000);
  const added = line(item.productId, item.variantId, item.prices.EUR!);
  const moment = offer.moments[0]!;
  const token = `${offer.id}~~${moment}~${Date.UTC(2026, 10, 24, 8).toString(36)}`;
  Object.assign(added, { offer: { value: offer.id }, moment: { value: moment }, token: { value: token } });
  const subtotal = 10_000 + item.prices.EUR!;
  const shop = { localTime: { date: "2026-11-24" } } as RunInput["shop"];
  SHARD_ALIASES.forEach((alias, i) => (shop[alias] = shards[i] == null ? null : { value: shards[i]! }));
  const input: RunInput = {
    cart: {
      cost: { subtotalAmount: { amount: (subtotal / 100).toFixed(2), currencyCode: "EUR" } },
      lines: [trigger, added],
    },
    discount: { discountClasses: ["PRODUCT"] },
    shop,
  };
  const [v] = verifyLines(input);
  return v!.ok ? { ok: true, discount: v!.discount } : { ok: false, reason: v!.reason };
}

/** A plain product offer with a percent discount and a product trigger, no schedule or arms. */
const isSimple = (o: Offer) =>
  o.type === "product" && o.discount?.kind === "percent" && !o.experiment && !o.pricing && !o.endsAt;

let db: TestDatabase;
let shop: Shop;
const NOW = new Date(Date.UTC(2026, 10, 24, 8));

/** Replaces the shop's offers with `makeOffers(n)` (ids and priorities kept). */
async function shopHasOffers(shopId: string, n: number) {
  await db.prisma.offer.deleteMany({ where: { shopId } });
  await db.prisma.offer.createMany({
    data: makeOffers(n).map(({ id, status: _status, ...definition }) => ({
      id: `${id}-${shopId.slice(-6)}`,
      shopId,
      name: id,
      type: definition.type,
      status: "active",
      priority: definition.priority,
      definition: JSON.stringify(definition),
    })),
  });
}

beforeAll(() => {
  db = freshDatabase("function-payload");
});
beforeEach(async () => {
  shop = await db.prisma.shop.create({
    data: { domain: `fn-${Math.random().toString(36).slice(2, 10)}.myshopify.com`, name: "fn", currency: "EUR" },
  });
});
afterAll(() => db.prisma.$disconnect());

describe("publishing writes the Discount Function's payload in shards", () => {
  it("GIVEN a shop with 200 offers WHEN published THEN the payload and fn-0..fn-3 go in one metafieldsSet, each shard <= 10,000 bytes, joining to the same offers minus copy", async () => {
    await shopHasOffers(shop.id, 200);
    const shopify = fakeShopify();

    const outcome = await publishShop(db.prisma, shop, shopifyGateway(shopify.admin, "EUR"), NOW);

    expect(outcome.ok).toBe(true);
    expect(shopify.calls).toHaveLength(1);
    const [call] = shopify.calls;
    expect(call!.map((m) => [m.namespace, m.key, m.type])).toEqual([
      ["$app", "offers", "json"],
      ...SHARD_KEYS.map((k) => ["$app", k, "multi_line_text_field"]),
    ]);
    const shards = shopify.shards();
    for (const s of shards) expect(Buffer.byteLength(s!, "utf8")).toBeLessThanOrEqual(SHARD_MAX_BYTES);
    expect(shards.filter((s) => s !== NO_SHARD)).toHaveLength(3);
    const full = decode(shopify.metafields.get("offers")!.value);
    expect(full.offers).toHaveLength(200);
    const lean = functionPayload(shards)!;
    expect(lean.publishedAt).toBe(full.publishedAt);
    expect(lean.settings).toEqual(full.settings);
    expect(lean.offers).toEqual(full.offers.map(leanOffer));
    expect(lean.offers.every((o) => JSON.stringify(o.copy) === '{"en":{"title":"-"}}')).toBe(true);
  });

  it("GIVEN 200 published offers WHEN the function prices an offer line from the shards THEN it gets the discount the full payload gives", async () => {
    await shopHasOffers(shop.id, 200);
    const shopify = fakeShopify();
    await publishShop(db.prisma, shop, shopifyGateway(shopify.admin, "EUR"), NOW);
    const full = decode(shopify.metafields.get("offers")!.value);
    const offer = full.offers.find(isSimple)!;
    const fromShards = functionVerdict(offer, shopify.shards());
    expect(fromShards).toMatchObject({ ok: true });
    expect((fromShards as { discount: number }).discount).toBeGreaterThan(0);
    // The reference: the full payload, cut as it is (it still fits four shards at 200 offers).
    const fullJson = shopify.metafields.get("offers")!.value;
    const asIs = splitUtf8(fullJson, SHARD_MAX_BYTES);
    expect(asIs.length).toBeLessThanOrEqual(SHARD_KEYS.length);
    expect(fromShards).toEqual(functionVerdict(offer, asIs));
  });

  it("GIVEN offers too big for four shards WHEN published THEN the checkout still gets them, every shard is emptied and the merchant reads why with the byte figures", async () => {
    const shopify = fakeShopify();
    const gateway = shopifyGateway(shopify.admin, "EUR");
    await shopHasOffers(shop.id, 200);
    await publishShop(db.prisma, shop, gateway, NOW);
    expect(shopify.shards().filter((s) => s !== NO_SHARD)).toHaveLength(3);

    await shopHasOffers(shop.id, 400);
    const outcome = await publishShop(db.prisma, shop, gateway, NOW);

    const full = decode(shopify.metafields.get("offers")!.value);
    expect(full.offers).toHaveLength(400);
    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? "" : outcome.error;
    expect(error).toMatch(
      /^Offers are published, but offer prices cannot be applied at checkout: the discount that prices accepted offers can read 40,000 bytes of offers, and these take \d{2},\d{3} bytes\. Until you pause or archive some offers, accepted offers are charged their full price\.$/,
    );
    const taken = Number(/these take ([\d,]+)/.exec(error)![1]!.replace(/,/g, ""));
    expect(taken).toBeGreaterThan(40_000);
    // No half-old payload: the function reads nothing, so it charges full price.
    expect(shopify.shards()).toEqual(SHARD_KEYS.map(() => NO_SHARD));
    expect(functionVerdict(full.offers.find(isSimple)!, shopify.shards())).toEqual({
      ok: false,
      reason: "payload_missing",
    });
    const after = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.publishError).toBe(error);
    expect(after.publishedAt).toBeInstanceOf(Date);
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } })).offerCount).toBe(400);
  });

  it("GIVEN a three-shard payload published WHEN fewer offers are published after it THEN the stale shards are emptied in the same call", async () => {
    const shopify = fakeShopify();
    const gateway = shopifyGateway(shopify.admin, "EUR");
    await shopHasOffers(shop.id, 200);
    await publishShop(db.prisma, shop, gateway, NOW);
    const before = shopify.shards();
    expect(before.filter((s) => s !== NO_SHARD)).toHaveLength(3);

    await shopHasOffers(shop.id, 50);
    const outcome = await publishShop(db.prisma, shop, gateway, NOW);

    expect(outcome.ok).toBe(true);
    const shards = shopify.shards();
    expect(shards.slice(1)).toEqual([NO_SHARD, NO_SHARD, NO_SHARD]);
    expect(shopify.calls.at(-1)!.map((m) => m.key)).toEqual(["offers", ...SHARD_KEYS]);
    const lean = functionPayload(shards)!;
    expect(lean.offers).toHaveLength(50);
    const offer = lean.offers.find(isSimple)!;
    expect(functionVerdict(offer, shards)).toMatchObject({ ok: true });
    // An offer only the longer payload had is no longer priced.
    const gone = functionPayload(before)!.offers.filter((o) => isSimple(o) && !lean.offers.some((l) => l.id === o.id));
    expect(gone.length).toBeGreaterThan(0);
    expect(functionVerdict(gone[0]!, shards)).toEqual({ ok: false, reason: "unknown_offer" });
  });

  it("GIVEN Shopify refuses the write WHEN published THEN neither the payload nor a shard changes (one atomic call)", async () => {
    const shopify = fakeShopify();
    const gateway = shopifyGateway(shopify.admin, "EUR");
    await shopHasOffers(shop.id, 100);
    await publishShop(db.prisma, shop, gateway, NOW);
    const snapshot = new Map(shopify.metafields);
    const refusing: AdminGraphql = {
      graphql: (query, options) =>
        query.includes("MomentsPublish")
          ? Promise.resolve(
              Response.json({
                data: {
                  metafieldsSet: {
                    metafields: null,
                    userErrors: [{ field: ["metafields"], message: "Throttled", code: "INTERNAL_ERROR" }],
                  },
                },
              }),
            )
          : shopify.admin.graphql(query, options),
    };
    await shopHasOffers(shop.id, 50);
    const outcome = await publishShop(db.prisma, shop, shopifyGateway(refusing, "EUR"), NOW);
    expect(outcome).toEqual({ ok: false, error: "Shopify did not save the offers: Throttled" });
    expect(shopify.metafields).toEqual(snapshot);
  });
});

describe("the demo store keeps the function's shards", () => {
  it("GIVEN a demo shop with 200 offers WHEN published THEN fn-0..fn-3 are demo metafields joining to the lean payload", async () => {
    await shopHasOffers(shop.id, 200);
    const outcome = await publishShop(db.prisma, shop, demoGateway(db.prisma, shop.id), NOW);
    expect(outcome.ok).toBe(true);
    const rows = await db.prisma.demoMetafield.findMany({ where: { shopId: shop.id, namespace: "$app" } });
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect([...byKey.keys()].sort()).toEqual(["fn-0", "fn-1", "fn-2", "fn-3", "offers"]);
    const shards = SHARD_KEYS.map((k) => byKey.get(k)!);
    expect(shards.every((r) => r.type === "multi_line_text_field")).toBe(true);
    const full = decode(byKey.get("offers")!.value);
    expect(functionPayload(shards.map((r) => r.value))!.offers).toEqual(full.offers.map(leanOffer));

    await shopHasOffers(shop.id, 50);
    await publishShop(db.prisma, shop, demoGateway(db.prisma, shop.id), NOW);
    const later = await db.prisma.demoMetafield.findMany({
      where: { shopId: shop.id, key: { in: [...SHARD_KEYS] } },
      orderBy: { key: "asc" },
    });
    expect(later.slice(1).map((r) => r.value)).toEqual([NO_SHARD, NO_SHARD, NO_SHARD]);
    expect(functionPayload(later.map((r) => r.value))!.offers).toHaveLength(50);
  });
});
