/**
 * Autopilot co-purchase mining benchmark: 1M order lines of a bulk operation's JSONL (orders and
 * their line items, as `ORDER_LINES_BULK_QUERY` returns them), generated here and not timed.
 * Every figure is printed beside a baseline measured in the same run (see ./lib/report): what the
 * runtime does bare over the same input, one pass parsing every line and grouping the line items'
 * products by order into a Map, with no interning and no pair counting.
 */
import { mineBulkJsonl } from "../packages/autopilot/src/index";
import { report } from "./lib/report";

const LINE_ITEMS = 1_000_000;
const PRODUCTS = 5000;
const ROUNDS = 3;

// --- input: a shop's order history as bulk JSONL ------------------------------------------------
let seed = 0x2545f491;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const cumulative = new Float64Array(PRODUCTS);
let total = 0;
for (let r = 0; r < PRODUCTS; r++) cumulative[r] = total += 1 / Math.pow(r + 1, 1.05);
const productId = () => {
  const u = random() * total;
  let lo = 0;
  let hi = PRODUCTS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return `gid://shopify/Product/${7_100_000_000 + lo * 13}`;
};
const basketSize = () => {
  const u = random();
  if (u < 0.5) return 1;
  if (u < 0.75) return 2;
  if (u < 0.87) return 3;
  if (u < 0.995) return 4 + Math.floor(random() * 8);
  return 12 + Math.floor(random() * 60);
};
const jsonl: string[] = [];
let lineItems = 0;
let orders = 0;
while (lineItems < LINE_ITEMS) {
  const order = `gid://shopify/Order/${6_200_000_000 + orders++ * 17}`;
  jsonl.push(JSON.stringify({ id: order, test: false, cancelledAt: null }));
  const size = Math.min(basketSize(), LINE_ITEMS - lineItems);
  for (let i = 0; i < size; i++) {
    jsonl.push(
      JSON.stringify({
        id: `gid://shopify/LineItem/${15_000_000_000 + lineItems++}`,
        currentQuantity: 1 + Math.floor(random() * 2),
        product: { id: productId() },
        __parentId: order,
      }),
    );
  }
}

// --- the baseline: parse every line and group products by order, nothing else -------------------
function parseAndGroup(lines: readonly string[]): number {
  const byOrder = new Map<string, string[]>();
  for (const line of lines) {
    const r = JSON.parse(line) as { __parentId?: string; product?: { id: string } | null };
    if (r.__parentId === undefined || !r.product) continue;
    const products = byOrder.get(r.__parentId);
    if (products) products.push(r.product.id);
    else byOrder.set(r.__parentId, [r.product.id]);
  }
  return byOrder.size;
}

const seconds = async (fn: () => unknown): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Paired rounds (baseline, then each mining mode), medians: every figure sees the same machine.
const bare: number[] = [];
const mined: number[] = [];
const streamed: number[] = [];
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await seconds(() => (sink += parseAndGroup(jsonl))));
  mined.push(await seconds(async () => (sink += (await mineBulkJsonl(jsonl)).pairCount)));
  streamed.push(await seconds(async () => (sink += (await mineBulkJsonl(jsonl, { grouped: true })).pairCount)));
}

report({
  name: `mine 1M order lines (${orders} orders, ${jsonl.length} JSONL lines, ungrouped mode)`,
  value: median(mined),
  unit: "s",
  baseline: { value: median(bare), label: "JSON.parse + group by order into a Map" },
  budget: { limit: 10, kind: "max" },
});
report({
  name: "mine 1M order lines, grouped JSONL (streaming)",
  value: median(streamed),
  unit: "s",
  baseline: { value: median(bare), label: "JSON.parse + group by order into a Map" },
  budget: { limit: 10, kind: "max" },
});

if (sink < 0) console.log(sink);
