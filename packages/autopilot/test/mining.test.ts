import { describe, expect, test } from "vitest";
import {
  mineBulkJsonl,
  mineOrderLines,
  ordersBulkQuery,
  rankCandidates,
  takeRates,
  type CatalogProduct,
  type CoPurchaseStats,
  type OrderLine,
} from "../src/index";

// --- a synthetic shop history, written apart from the miner ------------------------------------
// Its own random source (sfc32, not the stats package's mulberry32), product popularity by Zipf's
// law, basket sizes as stores see them (half the orders of one product, a long tail, a few
// wholesale orders of 40-120 products), the same product twice in an order (another variant),
// custom items without a product, test and cancelled orders, and planted trigger -> complement
// pairs: the complement joins an order with the trigger with probability 0.25, at a random place.

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

interface GeneratedOrder {
  id: string;
  test: boolean;
  cancelled: boolean;
  /** Line items in order: a product id, or null for a custom item. */
  lines: Array<string | null>;
}

interface History {
  orders: GeneratedOrder[];
  products: string[];
  /** Planted trigger -> complement. */
  planted: Map<string, string>;
}

function generateHistory(opts: { orders: number; products: number; planted: number; seed: number }): History {
  const random = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, opts.seed);
  const int = (n: number) => Math.floor(random() * n);
  // Product ids in random order, so popularity does not follow id order.
  const products = Array.from({ length: opts.products }, (_, i) => `gid://shopify/Product/${8_000_000_000 + i * 7}`);
  for (let i = products.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [products[i], products[j]] = [products[j]!, products[i]!];
  }
  // Zipf (s = 1.07) over popularity ranks: cumulative weights, drawn by binary search.
  const cumulative = new Float64Array(opts.products);
  let total = 0;
  for (let r = 0; r < opts.products; r++) cumulative[r] = total += 1 / Math.pow(r + 1, 1.07);
  const popular = () => {
    const u = random() * total;
    let lo = 0;
    let hi = opts.products - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return products[lo]!;
  };
  // Triggers among the 1,000 most popular; complements anywhere else, each planted once.
  const planted = new Map<string, string>();
  const used = new Set<string>();
  while (planted.size < opts.planted) {
    const trigger = products[int(Math.min(1000, opts.products))]!;
    const complement = products[int(opts.products)]!;
    if (trigger === complement || used.has(trigger) || used.has(complement)) continue;
    used.add(trigger).add(complement);
    planted.set(trigger, complement);
  }
  // Distinct products per basket: 1 (52%), 2 (24%), 3 (11%), 4 (6%), 5 (3%), 6-10, 11-30, 40-120.
  const basketSize = () => {
    const u = random();
    if (u < 0.52) return 1;
    if (u < 0.76) return 2;
    if (u < 0.87) return 3;
    if (u < 0.93) return 4;
    if (u < 0.96) return 5;
    if (u < 0.995) return 6 + int(5);
    if (u < 0.999) return 11 + int(20);
    return 40 + int(81);
  };
  const orders: GeneratedOrder[] = [];
  for (let o = 0; o < opts.orders; o++) {
    const lines: Array<string | null> = [];
    const size = basketSize();
    for (let i = 0; i < size; i++) lines.push(popular());
    for (const p of [...lines]) {
      const complement = p && planted.get(p);
      if (complement && random() < 0.25) lines.splice(int(lines.length + 1), 0, complement);
    }
    // Another variant of a product already in the cart, and custom items.
    if (random() < 0.1) lines.splice(int(lines.length + 1), 0, lines[int(lines.length)]!);
    if (random() < 0.01) lines.push(null);
    orders.push({
      id: `gid://shopify/Order/${5_000_000 + o * 3}`,
      test: random() < 0.01,
      cancelled: random() < 0.02,
      lines,
    });
  }
  return { orders, products, planted };
}

/** The bulk JSONL of `ORDER_LINES_BULK_QUERY`, grouped (each order's line items right below it). */
function bulkJsonl(orders: GeneratedOrder[]): string[] {
  const out: string[] = [];
  let lineItem = 11_000_000;
  for (const o of orders) {
    out.push(JSON.stringify({ id: o.id, test: o.test, cancelledAt: o.cancelled ? "2026-03-02T10:00:00Z" : null }));
    for (const p of o.lines) {
      out.push(
        JSON.stringify({
          id: `gid://shopify/LineItem/${lineItem++}`,
          currentQuantity: 1,
          product: p === null ? null : { id: p },
          __parentId: o.id,
        }),
      );
    }
  }
  return out;
}

/** Ungrouped (groupObjects: false): every order first, then the line items shuffled. */
function ungrouped(jsonl: string[], seed: number): string[] {
  const random = sfc32(seed, 1, 2, 3);
  const parents = jsonl.filter((l) => !l.includes("__parentId"));
  const children = jsonl.filter((l) => l.includes("__parentId"));
  for (let i = children.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [children[i], children[j]] = [children[j]!, children[i]!];
  }
  return [...parents, ...children];
}

/** The in-memory form: lines of purchased orders with a product, in the history's order. */
function inMemory(orders: GeneratedOrder[]): OrderLine[] {
  return orders
    .filter((o) => !o.test && !o.cancelled)
    .flatMap((o) => o.lines.filter((p): p is string => p !== null).map((productId) => ({ orderId: o.id, productId })));
}

/** Everything the statistics say, in a comparable form. */
function summary(stats: CoPurchaseStats) {
  return {
    orders: stats.orders,
    truncatedOrders: stats.truncatedOrders,
    pairCount: stats.pairCount,
    products: stats
      .products()
      .sort()
      .map((p) => `${p} ${stats.ordersWith(p)}`),
    pairs: [...stats.pairs()]
      .map((s) => `${s.trigger} ${s.complement} ${s.count} ${s.support} ${s.confidence} ${s.lift}`)
      .sort(),
  };
}

const product = (id: string, over: Partial<CatalogProduct> = {}): CatalogProduct => ({
  id,
  price: 2500,
  inStock: true,
  ...over,
});

/** `{ orderId, productId }` lines from baskets written as "A B C". */
const baskets = (...orders: string[]): OrderLine[] =>
  orders.flatMap((o, i) => o.split(" ").map((productId) => ({ orderId: `o${i}`, productId })));
const times = (n: number, basket: string): string[] => Array.from({ length: n }, () => basket);

// --- the planted pairs are found ---------------------------------------------------------------

describe("planted complements among Zipf noise", () => {
  test("GIVEN 100,000 orders over 2,000 Zipf-popular products with 300 planted trigger -> complement pairs (25% take) WHEN mined from bulk JSONL and ranked for the cart THEN the planted complement is in the top 3 for at least 90% of planted triggers", async () => {
    const history = generateHistory({ orders: 100_000, products: 2000, planted: 300, seed: 20260715 });
    const jsonl = bulkJsonl(history.orders);
    const stats = await mineBulkJsonl(jsonl, { grouped: true });
    const catalog = history.products.map((id) => product(id));
    const ranked = rankCandidates({ moment: "cart", catalog, stats, triggers: [...history.planted.keys()], limit: 3 });
    let found = 0;
    for (const [trigger, complement] of history.planted) {
      if (ranked.get(trigger)?.some((c) => c.productId === complement && c.source === "co_purchase")) found++;
    }
    const share = found / history.planted.size;
    console.log(
      `autopilot planted complements in the top 3: ${found}/${history.planted.size} = ${(share * 100).toFixed(1)}% (${jsonl.length} JSONL lines, ${stats.orders} orders, ${stats.pairCount} pairs, ${stats.truncatedOrders} truncated orders)`,
    );
    expect(share).toBeGreaterThanOrEqual(0.9);
  });
});

// --- the input forms agree ---------------------------------------------------------------------

describe("input forms", () => {
  const history = generateHistory({ orders: 4000, products: 300, planted: 30, seed: 7 });
  const jsonl = bulkJsonl(history.orders);

  test("GIVEN one history as grouped bulk JSONL and as in-memory lines WHEN both are mined THEN the statistics are the same", async () => {
    const fromJsonl = await mineBulkJsonl(jsonl, { grouped: true, minSupport: 1 });
    const fromLines = mineOrderLines(inMemory(history.orders), { minSupport: 1 });
    expect(fromJsonl.orders).toBeGreaterThan(3000);
    expect(fromJsonl.truncatedOrders).toBeGreaterThan(0);
    expect(summary(fromLines)).toEqual(summary(fromJsonl));
  });

  test("GIVEN the bulk JSONL without grouping (groupObjects: false, the default since 2026-01) WHEN mined with grouped: false THEN the statistics equal the grouped file's", async () => {
    const grouped = await mineBulkJsonl(jsonl, { grouped: true });
    const shuffled = await mineBulkJsonl(ungrouped(jsonl, 99));
    expect(summary(shuffled)).toEqual(summary(grouped));
  });

  test("GIVEN the bulk JSONL without grouping WHEN mined with grouped: true THEN it throws rather than split orders", async () => {
    await expect(mineBulkJsonl(ungrouped(jsonl, 5), { grouped: true })).rejects.toThrow(/groupObjects: true/);
  });

  test("GIVEN the bulk JSONL as an async iterable of lines WHEN mined THEN the statistics equal those of the array", async () => {
    async function* lines() {
      for (const line of jsonl) yield line;
    }
    expect(summary(await mineBulkJsonl(lines()))).toEqual(summary(await mineBulkJsonl(jsonl)));
  });

  test("GIVEN ordersBulkQuery with a search WHEN built THEN the search is quoted into the orders connection", () => {
    expect(ordersBulkQuery('created_at:>=2025-01-01 tag:"vip"')).toContain(
      'orders(query: "created_at:>=2025-01-01 tag:\\"vip\\"")',
    );
  });
});

// --- the statistics ----------------------------------------------------------------------------

describe("pair statistics", () => {
  test("GIVEN orders {A B}, {A B C}, {A}, {B}, {C} WHEN mined THEN count, support, confidence and lift of A -> B are 2, 2/5, 2/3 and 10/9", () => {
    const stats = mineOrderLines(baskets("A B", "A B C", "A", "B", "C"), { minSupport: 1 });
    expect(stats.orders).toBe(5);
    expect(stats.pair("A", "B")).toEqual({
      trigger: "A",
      complement: "B",
      count: 2,
      support: 2 / 5,
      confidence: 2 / 3,
      lift: (2 * 5) / (3 * 3),
    });
  });

  test("GIVEN an order with the same product on two lines WHEN mined THEN it counts once for the product and once for the pair", () => {
    const stats = mineOrderLines(baskets("A A B"), { minSupport: 1 });
    expect(stats.ordersWith("A")).toBe(1);
    expect(stats.pair("A", "B")?.count).toBe(1);
  });

  test("GIVEN a pair bought together 5 times and another once WHEN mined with minSupport 2 THEN the rare pair is dropped", () => {
    const stats = mineOrderLines(baskets(...times(5, "A B"), "A R"), { minSupport: 2 });
    expect(stats.pair("A", "B")?.count).toBe(5);
    expect(stats.pair("A", "R")).toBeNull();
    expect(stats.complements("A").map((s) => s.complement)).toEqual(["B"]);
  });

  test("GIVEN an order of 5 distinct products and a cap of 3 WHEN mined THEN only its first 3 products are counted", () => {
    const stats = mineOrderLines(baskets("P1 P2 P3 P4 P5"), { minSupport: 1, maxProductsPerOrder: 3 });
    expect(stats.truncatedOrders).toBe(1);
    expect(stats.pair("P1", "P3")?.count).toBe(1);
    expect(stats.pair("P3", "P4")).toBeNull();
    expect(stats.ordersWith("P5")).toBe(0);
  });

  test("GIVEN a test order and a cancelled order in the bulk JSONL WHEN mined THEN neither counts as a purchase", async () => {
    const order = (id: string, extra: object) => JSON.stringify({ id, ...extra });
    const line = (order: string, p: string) => JSON.stringify({ id: `li-${p}`, product: { id: p }, __parentId: order });
    const stats = await mineBulkJsonl(
      [
        order("o1", { test: true, cancelledAt: null }),
        line("o1", "A"),
        line("o1", "B"),
        order("o2", { test: false, cancelledAt: "2026-01-05T09:00:00Z" }),
        line("o2", "A"),
        line("o2", "B"),
        order("o3", { test: false, cancelledAt: null }),
        line("o3", "A"),
      ],
      { minSupport: 1 },
    );
    expect(stats.orders).toBe(1);
    expect(stats.pair("A", "B")).toBeNull();
  });

  test("GIVEN a custom item (product null) and a removed line (currentQuantity 0) WHEN mined THEN neither is a product of the order", async () => {
    const stats = await mineBulkJsonl(
      [
        { id: "o1" },
        { id: "l1", currentQuantity: 1, product: { id: "A" }, __parentId: "o1" },
        { id: "l2", currentQuantity: 1, product: null, __parentId: "o1" },
        { id: "l3", currentQuantity: 0, product: { id: "B" }, __parentId: "o1" },
      ],
      { minSupport: 1 },
    );
    expect(stats.products()).toEqual(["A"]);
  });
});

// --- ranking -----------------------------------------------------------------------------------

describe("ranking", () => {
  // T bought with each of X, G, Z, O in 30 of 100 orders; X is offerable, the others are not.
  const history = baskets(
    ...times(30, "T X"),
    ...times(30, "T G"),
    ...times(30, "T Z"),
    ...times(30, "T O"),
    ...times(60, "Y"),
  );
  const stats = mineOrderLines(history);

  test.each([
    ["a gift card", "G", { giftCard: true }],
    ["a zero-price product", "Z", { price: 0 }],
    ["an out-of-stock product", "O", { inStock: false }],
  ] as const)(
    "GIVEN %s bought with the trigger as often as an offerable product WHEN ranked THEN it is skipped",
    (_, id, over) => {
      const catalog = ["T", "X", "G", "Z", "O", "Y"].map((p) => product(p, p === id ? over : {}));
      const ids = rankCandidates({ moment: "cart", catalog, stats, triggers: ["T"], limit: 5 })
        .get("T")!
        .map((c) => c.productId);
      expect(ids).toContain("X");
      expect(ids).not.toContain(id);
      expect(ids).not.toContain("T");
    },
  );

  test("GIVEN two complements with the same co-purchases WHEN ranked THEN the dearer one is first, its revenue per 1,000 buyers in integer minor units", () => {
    const stats2 = mineOrderLines(baskets(...times(10, "T A"), ...times(10, "T B"), ...times(80, "Y")));
    const catalog = [product("T"), product("A", { price: 1000 }), product("B", { price: 3000 }), product("Y")];
    const [first, second] = rankCandidates({ moment: "cart", catalog, stats: stats2, triggers: ["T"] }).get("T")!;
    expect(first!.productId).toBe("B");
    expect(second!.productId).toBe("A");
    expect(Number.isInteger(first!.evidence.expectedRevenuePer1000)).toBe(true);
    // incremental take rate x factor 1 x price x 1,000: (10 - 20 x 10 / 100) / (20 + 20) x 3000 x 1000
    expect(first!.evidence.expectedRevenuePer1000).toBe(Math.round(((10 - (20 * 10) / 100) / 40) * 3000 * 1000));
  });

  test("GIVEN one candidate WHEN ranked for the cart and for the email THEN the email's expected revenue is the moment factor's tenth", () => {
    const catalog = ["T", "X", "G", "Z", "O", "Y"].map((p) => product(p));
    const at = (moment: "cart" | "email") =>
      rankCandidates({ moment, catalog, stats, triggers: ["T"] })
        .get("T")!
        .find((c) => c.productId === "X")!.evidence.expectedRevenuePer1000;
    expect(at("email")).toBe(Math.round(at("cart") / 10));
  });

  test("GIVEN a pair seen once in 2 trigger orders and one seen 1,000 times in 2,000 WHEN their take rates are shrunk THEN the first moves to its base rate, the second keeps its confidence", () => {
    const rare = takeRates(1, 2, 10, 1000);
    const common = takeRates(1000, 2000, 10, 1000_000);
    expect(rare.expected).toBeCloseTo((1 + 20 * 0.01) / 22, 12);
    expect(rare.expected).toBeLessThan(0.06); // not the raw 50%
    expect(common.expected).toBeCloseTo(0.495, 3);
  });

  test("GIVEN a bestseller bought with the trigger no more often than with any order WHEN ranked THEN it is not a co-purchase candidate", () => {
    // B is in half of all orders, and in half of T's: lift 1, nothing incremental.
    const stats2 = mineOrderLines(
      baskets(...times(20, "T B"), ...times(20, "T"), ...times(40, "B"), ...times(40, "Y")),
    );
    const catalog = [product("T"), product("B"), product("Y")];
    expect(stats2.pair("T", "B")?.lift).toBeCloseTo(1, 12);
    expect(rankCandidates({ moment: "cart", catalog, stats: stats2, triggers: ["T"] }).get("T")).toBeUndefined();
  });
});

describe("fallbacks for a shop without history", () => {
  const empty = mineOrderLines([]);

  test("GIVEN no orders and Shopify's recommendations WHEN ranked THEN the candidates are Shopify's, in its order, with their evidence", () => {
    const catalog = [product("T"), product("R1"), product("R2"), product("R3", { giftCard: true })];
    const ranked = rankCandidates({
      moment: "post_purchase",
      catalog,
      stats: empty,
      recommendations: { T: ["R1", "T", "R3", "R2"] },
      triggers: ["T"],
    }).get("T")!;
    expect(ranked.map((c) => [c.productId, c.source])).toEqual([
      ["R1", "shopify_recommendations"],
      ["R2", "shopify_recommendations"],
    ]);
    expect(ranked[0]!.evidence).toEqual({
      coPurchases: 0,
      lift: null,
      expectedTakeRate: 0.02,
      incrementalTakeRate: 0.02,
      expectedRevenuePer1000: Math.round(0.02 * 0.5 * 2500 * 1000),
      recommendationPosition: 0,
    });
  });

  test("GIVEN no orders and no recommendations WHEN ranked THEN similar catalog products fill in, shared collections first and a vendor alone not enough", () => {
    const catalog = [
      product("T", { vendor: "Acme", collections: ["c-knives", "c-kitchen"], tags: ["Steel", "chef"] }),
      product("both", { vendor: "Acme", collections: ["c-knives", "c-kitchen"], tags: ["steel"] }),
      product("one-collection", { collections: ["c-knives"] }),
      product("tags", { tags: ["steel", "CHEF"] }),
      product("vendor-only", { vendor: "Acme" }),
      ...["x1", "x2", "x3", "x4"].map((id) => product(id, { vendor: "Other" })),
    ];
    const ranked = rankCandidates({ moment: "cart", catalog, stats: empty, triggers: ["T"], limit: 5 }).get("T")!;
    expect(ranked.map((c) => [c.productId, c.source, c.evidence.similarity])).toEqual([
      ["both", "similar_catalog", 8],
      ["one-collection", "similar_catalog", 3],
      ["tags", "similar_catalog", 2],
    ]);
  });

  test("GIVEN a shop with one co-purchase candidate and Shopify's recommendations WHEN ranked THEN the co-purchase comes first and the recommendations fill the rest", () => {
    const stats = mineOrderLines(baskets(...times(5, "T A"), ...times(20, "Y")));
    const catalog = ["T", "A", "R1", "R2", "Y"].map((p) => product(p));
    const ranked = rankCandidates({
      moment: "cart",
      catalog,
      stats,
      recommendations: { T: ["A", "R1", "R2"] },
      triggers: ["T"],
    });
    expect(ranked.get("T")!.map((c) => [c.productId, c.source])).toEqual([
      ["A", "co_purchase"],
      ["R1", "shopify_recommendations"],
      ["R2", "shopify_recommendations"],
    ]);
  });
});
