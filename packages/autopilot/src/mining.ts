/**
 * Co-purchase mining: which products a shop's buyers put in the same order, from the shop's own
 * order history. Pure and streaming: records go in one at a time, statistics come out at the end;
 * no I/O, no clock, no randomness.
 *
 * Two input forms, one result:
 *  - the Admin GraphQL bulk operation's JSONL over orders (`ORDER_LINES_BULK_QUERY`): one object a
 *    line, an order (no `__parentId`) and its line items (`__parentId` = the order's id), read with
 *    `BulkJsonlMiner` / `mineBulkJsonl`;
 *  - plain `{ orderId, productId }` lines (the demo's seeded history), read with `mineOrderLines`.
 *
 * Grouping. A bulk query's JSONL lists a child after its parent, but only `groupObjects: true` puts
 * each order's children directly below it; since API 2026-01 `groupObjects` defaults to false and
 * the app runs 2026-07, so by default lines of one order can be anywhere after it. The miner reads
 * either: `grouped: false` (default) keeps every line as (order, product, position) and groups them
 * at the end with a counting sort (16 bytes a line, about 16 MB for 1M lines); `grouped: true`
 * streams, closing an order when the next one starts (memory: one order), and throws when a line
 * item does not belong to the order just above it, rather than count a split order as two.
 *
 * Definitions (N = orders with at least one counted product):
 *  - orders(A): orders containing A; count(A, B): orders containing both (a co-purchase);
 *  - support(A, B) = count(A, B) / N; confidence(A -> B) = P(B | A) = count(A, B) / orders(A);
 *  - lift(A -> B) = confidence(A -> B) / (orders(B) / N): 1 when A says nothing about B.
 * A product counts once per order (two lines of one product, e.g. two variants, are one purchase).
 */

/** One line of the in-memory form: a product bought in an order. */
export interface OrderLine {
  orderId: string;
  productId: string;
}

/**
 * One record of the bulk JSONL, parsed: an order (no `__parentId`) or a line item (`__parentId`, and
 * a `product` key, null for a custom item or a deleted product). Other children of an order (another
 * connection in the query) have no `product` key and are ignored.
 */
export interface BulkRecord {
  id?: string;
  __parentId?: string;
  /** Order: a test order is not a purchase. */
  test?: boolean;
  /** Order: a cancelled order is not a purchase. */
  cancelledAt?: string | null;
  /** Line item: null for custom items and deleted products (skipped). */
  product?: { id: string } | null;
  /** Line item: quantity after edits and refunds; 0 means removed (skipped). */
  currentQuantity?: number;
}

/**
 * The bulk query whose JSONL `BulkJsonlMiner` reads (run with `bulkOperationRunQuery`, and with
 * `groupObjects: true` to mine it with `grouped: true`). `$SEARCH` is an orders search, e.g.
 * `created_at:>=2025-01-01`; build it with `ordersBulkQuery`.
 */
export const ORDER_LINES_BULK_QUERY = `{
  orders(query: "$SEARCH") {
    edges {
      node {
        id
        test
        cancelledAt
        lineItems {
          edges {
            node {
              id
              currentQuantity
              product { id }
            }
          }
        }
      }
    }
  }
}`;

/** `ORDER_LINES_BULK_QUERY` with its orders search, e.g. `created_at:>=2025-01-01`. */
export const ordersBulkQuery = (search: string): string =>
  ORDER_LINES_BULK_QUERY.replace("$SEARCH", () => search.replace(/\\/g, "\\\\").replace(/"/g, '\\"'));

export interface MineOptions {
  /** Keep a pair only when bought together in at least this many orders (default 2). */
  minSupport?: number;
  /**
   * Pair counting looks at the first this many distinct products of an order, in line order
   * (default 32). Why: an order of k distinct products adds k(k-1)/2 pairs, so one wholesale or
   * staff restocking order of 500 products adds 124,750 pair counts, as many as ~40,000 ordinary
   * baskets, and says nothing about what a shopper adds to a cart. The cap bounds the work per
   * order (O(N^2) at worst, so mining stays linear in the number of lines) and the weight one odd
   * order can have. 32 is far above the baskets of a typical store (median 1-2 products), so
   * ordinary orders are never cut. Per-product order counts use the same first N, so that the
   * statistics describe one consistent (truncated) set of baskets and count(A, B) <= orders(A).
   */
  maxProductsPerOrder?: number;
}

export interface BulkMineOptions extends MineOptions {
  /** The JSONL was produced with `groupObjects: true` (see the module comment). Default false. */
  grouped?: boolean;
}

/** Statistics of one directed pair: buyers of `trigger` who also bought `complement`. */
export interface PairStat {
  trigger: string;
  complement: string;
  /** Orders with both (the support count). */
  count: number;
  /** count / orders. */
  support: number;
  /** P(complement | trigger) = count / orders with the trigger. */
  confidence: number;
  /** confidence / P(complement): > 1 when the trigger makes the complement more likely. */
  lift: number;
}

export const DEFAULT_MIN_SUPPORT = 2;
export const DEFAULT_MAX_PRODUCTS_PER_ORDER = 32;

// --- internals ---------------------------------------------------------------------------------

function grown(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Int32Array(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

class Interner {
  readonly index = new Map<string, number>();
  readonly ids: string[] = [];
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }
}

/**
 * Counts of unordered product pairs (a < b) in an open-addressing hash table over typed arrays:
 * no object per pair and no boxed keys (a Map keyed by a * P + b would box keys past 2^31).
 */
class PairTable {
  lo = new Int32Array(1 << 16).fill(-1);
  hi = new Int32Array(1 << 16);
  count = new Int32Array(1 << 16);
  size = 0;

  private static slot(a: number, b: number, mask: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    return h & mask;
  }

  add(a: number, b: number): void {
    const mask = this.lo.length - 1;
    let i = PairTable.slot(a, b, mask);
    for (;;) {
      const k = this.lo[i]!;
      if (k === -1) break;
      if (k === a && this.hi[i] === b) {
        this.count[i]!++;
        return;
      }
      i = (i + 1) & mask;
    }
    this.lo[i] = a;
    this.hi[i] = b;
    this.count[i] = 1;
    if (++this.size * 10 > this.lo.length * 6) this.rehash();
  }

  private rehash(): void {
    const { lo, hi, count } = this;
    const capacity = lo.length * 2;
    const mask = capacity - 1;
    this.lo = new Int32Array(capacity).fill(-1);
    this.hi = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    for (let j = 0; j < lo.length; j++) {
      const a = lo[j]!;
      if (a === -1) continue;
      const b = hi[j]!;
      let i = PairTable.slot(a, b, mask);
      while (this.lo[i] !== -1) i = (i + 1) & mask;
      this.lo[i] = a;
      this.hi[i] = b;
      this.count[i] = count[j]!;
    }
  }
}

/** Turns baskets (one order's product indexes, in line order) into item and pair counts. */
class BasketCounter {
  readonly products = new Interner();
  private seenIn = new Int32Array(0);
  itemOrders = new Int32Array(0);
  readonly pairs = new PairTable();
  orders = 0;
  truncatedOrders = 0;
  private order = 0;
  private readonly basket: Int32Array;
  private size = 0;
  private overflow = false;

  constructor(readonly maxProducts: number) {
    this.basket = new Int32Array(maxProducts);
  }

  begin(): void {
    this.order++;
    this.size = 0;
    this.overflow = false;
  }

  add(product: number): void {
    if (product >= this.seenIn.length) {
      this.seenIn = grown(this.seenIn, product + 1);
      this.itemOrders = grown(this.itemOrders, product + 1);
    }
    if (this.seenIn[product] === this.order) return; // the same product again in this order
    this.seenIn[product] = this.order;
    if (this.size < this.maxProducts) this.basket[this.size++] = product;
    else this.overflow = true;
  }

  end(): void {
    const n = this.size;
    if (n === 0) return;
    this.orders++;
    if (this.overflow) this.truncatedOrders++;
    const basket = this.basket;
    for (let i = 0; i < n; i++) {
      const a = basket[i]!;
      this.itemOrders[a]!++;
      for (let j = i + 1; j < n; j++) {
        const b = basket[j]!;
        if (a < b) this.pairs.add(a, b);
        else this.pairs.add(b, a);
      }
    }
    this.size = 0;
  }

  stats(minSupport: number, lines: number): CoPurchaseStats {
    this.end();
    const productCount = this.products.ids.length;
    const { lo, hi, count } = this.pairs;
    const degree = new Int32Array(productCount + 1);
    let kept = 0;
    for (let i = 0; i < lo.length; i++) {
      if (lo[i] === -1 || count[i]! < minSupport) continue;
      degree[lo[i]!]!++;
      degree[hi[i]!]!++;
      kept++;
    }
    const start = new Int32Array(productCount + 1);
    for (let p = 0; p < productCount; p++) start[p + 1] = start[p]! + degree[p]!;
    const fill = start.slice(0, productCount);
    const other = new Int32Array(kept * 2);
    const together = new Int32Array(kept * 2);
    for (let i = 0; i < lo.length; i++) {
      const c = count[i]!;
      if (lo[i] === -1 || c < minSupport) continue;
      const a = lo[i]!;
      const b = hi[i]!;
      let k = fill[a]!++;
      other[k] = b;
      together[k] = c;
      k = fill[b]!++;
      other[k] = a;
      together[k] = c;
    }
    return new CoPurchaseStats({
      orders: this.orders,
      lines,
      truncatedOrders: this.truncatedOrders,
      minSupport,
      ids: this.products.ids,
      index: this.products.index,
      itemOrders: this.itemOrders.slice(0, productCount),
      start,
      other,
      together,
      pairCount: kept,
    });
  }
}

/**
 * Buffers (order, product, position) a line and groups the lines by order at the end, for lines in
 * any order: a counting sort by order index. Position is the line's place in its order (the line
 * item id's number: Shopify numbers an order's lines in sequence); it matters only for an order over
 * the cap, whose lines are put back in that order so the cap keeps the same first products as in a
 * grouped file (16 bytes a line, about 16 MB for 1M lines).
 */
class LineBuffer {
  readonly orders = new Interner();
  private excluded = new Uint8Array(0);
  private order = new Int32Array(1 << 12);
  private product = new Int32Array(1 << 12);
  private position = new Float64Array(1 << 12);
  length = 0;

  push(order: number, product: number, position: number): void {
    if (this.length === this.order.length) {
      this.order = grown(this.order, this.length + 1);
      this.product = grown(this.product, this.length + 1);
      const p = new Float64Array(this.order.length);
      p.set(this.position);
      this.position = p;
    }
    this.order[this.length] = order;
    this.position[this.length] = position;
    this.product[this.length++] = product;
  }

  exclude(order: number): void {
    if (order >= this.excluded.length) {
      const e = new Uint8Array(Math.max(order + 1, this.excluded.length * 2, 16));
      e.set(this.excluded);
      this.excluded = e;
    }
    this.excluded[order] = 1;
  }

  drainInto(counter: BasketCounter): void {
    const orderCount = this.orders.ids.length;
    const start = new Int32Array(orderCount + 1);
    const n = this.length;
    const order = this.order;
    for (let i = 0; i < n; i++) start[order[i]! + 1]!++;
    for (let o = 0; o < orderCount; o++) start[o + 1]! += start[o]!;
    const sorted = new Int32Array(n);
    const fill = start.slice(0, orderCount);
    for (let i = 0; i < n; i++) sorted[fill[order[i]!]!++] = i;
    const { product, position } = this;
    for (let o = 0; o < orderCount; o++) {
      if (this.excluded[o] === 1) continue;
      const from = start[o]!;
      const to = start[o + 1]!;
      if (to - from > counter.maxProducts) {
        sorted.subarray(from, to).sort((a, b) => position[a]! - position[b]! || a - b);
      }
      counter.begin();
      for (let k = from; k < to; k++) counter.add(product[sorted[k]!]!);
      counter.end();
    }
  }
}

/** A line item's place in its order: its gid's number, else (no id) the line's place in the file. */
function linePosition(id: string | undefined, line: number): number {
  if (id !== undefined) {
    const n = Number(id.slice(id.lastIndexOf("/") + 1));
    if (Number.isSafeInteger(n)) return n;
  }
  return line;
}

function options(o: MineOptions): { minSupport: number; maxProducts: number } {
  const minSupport = o.minSupport ?? DEFAULT_MIN_SUPPORT;
  const maxProducts = o.maxProductsPerOrder ?? DEFAULT_MAX_PRODUCTS_PER_ORDER;
  if (!Number.isInteger(minSupport) || minSupport < 1) throw new RangeError("minSupport must be an integer >= 1");
  if (!Number.isInteger(maxProducts) || maxProducts < 2)
    throw new RangeError("maxProductsPerOrder must be an integer >= 2");
  return { minSupport, maxProducts };
}

// --- public -----------------------------------------------------------------------------------

interface StatsData {
  orders: number;
  lines: number;
  truncatedOrders: number;
  minSupport: number;
  ids: readonly string[];
  index: ReadonlyMap<string, number>;
  itemOrders: Int32Array;
  /** Compressed rows: product p's co-purchased products are other[start[p] .. start[p + 1]). */
  start: Int32Array;
  other: Int32Array;
  together: Int32Array;
  pairCount: number;
}

/** The mined statistics: per product and per pair kept (count >= minSupport), in both directions. */
export class CoPurchaseStats {
  /** Orders with at least one counted product (N). */
  readonly orders: number;
  /** Line records read (including skipped ones). */
  readonly lines: number;
  /** Orders with more distinct products than `maxProductsPerOrder`, cut for pair counting. */
  readonly truncatedOrders: number;
  readonly minSupport: number;
  /** Unordered pairs kept. */
  readonly pairCount: number;
  readonly #d: StatsData;

  constructor(data: StatsData) {
    this.#d = data;
    this.orders = data.orders;
    this.lines = data.lines;
    this.truncatedOrders = data.truncatedOrders;
    this.minSupport = data.minSupport;
    this.pairCount = data.pairCount;
  }

  /** Product ids seen in at least one counted order. */
  products(): string[] {
    return this.#d.ids.filter((_, i) => this.#d.itemOrders[i]! > 0);
  }

  /** Orders containing the product (0 when never seen). */
  ordersWith(productId: string): number {
    const i = this.#d.index.get(productId);
    return i === undefined ? 0 : this.#d.itemOrders[i]!;
  }

  private stat(a: number, b: number, count: number): PairStat {
    const { ids, itemOrders } = this.#d;
    const na = itemOrders[a]!;
    const nb = itemOrders[b]!;
    return {
      trigger: ids[a]!,
      complement: ids[b]!,
      count,
      support: count / this.orders,
      confidence: count / na,
      lift: (count * this.orders) / (na * nb),
    };
  }

  /** The products bought with `trigger`, most co-purchases first (ties: complement id). */
  complements(trigger: string): PairStat[] {
    const a = this.#d.index.get(trigger);
    if (a === undefined) return [];
    const { start, other, together } = this.#d;
    const out: PairStat[] = [];
    for (let k = start[a]!; k < start[a + 1]!; k++) out.push(this.stat(a, other[k]!, together[k]!));
    return out.sort((x, y) => y.count - x.count || (x.complement < y.complement ? -1 : 1));
  }

  /** One directed pair, or null when not kept. */
  pair(trigger: string, complement: string): PairStat | null {
    const a = this.#d.index.get(trigger);
    const b = this.#d.index.get(complement);
    if (a === undefined || b === undefined) return null;
    const { start, other, together } = this.#d;
    for (let k = start[a]!; k < start[a + 1]!; k++) if (other[k] === b) return this.stat(a, b, together[k]!);
    return null;
  }

  /** Every kept pair in both directions (unordered). */
  *pairs(): IterableIterator<PairStat> {
    const { start, other, together, ids } = this.#d;
    for (let a = 0; a < ids.length; a++) {
      for (let k = start[a]!; k < start[a + 1]!; k++) yield this.stat(a, other[k]!, together[k]!);
    }
  }
}

/**
 * Reads the bulk JSONL one line (string) or parsed record at a time: `push` each, then `finish`.
 * For a caller with its own reader (e.g. `readline` over the downloaded file).
 */
export class BulkJsonlMiner {
  private readonly counter: BasketCounter;
  private readonly buffer: LineBuffer | null;
  private readonly minSupport: number;
  private lines = 0;
  /** Grouped mode: the order whose line items may follow, and whether it is excluded. */
  private current: string | null = null;
  private currentExcluded = false;

  constructor(opts: BulkMineOptions = {}) {
    const { minSupport, maxProducts } = options(opts);
    this.minSupport = minSupport;
    this.counter = new BasketCounter(maxProducts);
    this.buffer = opts.grouped ? null : new LineBuffer();
  }

  push(line: string | BulkRecord): void {
    this.lines++;
    let r: BulkRecord;
    if (typeof line === "string") {
      if (line.trim() === "") return;
      try {
        r = JSON.parse(line) as BulkRecord;
      } catch (error) {
        throw new Error(`bulk JSONL line ${this.lines}: ${(error as Error).message}`);
      }
    } else r = line;
    const parent = r.__parentId;
    if (parent === undefined) return this.order(r);
    if (!("product" in r)) return; // a child of another connection
    if (this.buffer === null && parent !== this.current) {
      throw new Error(
        `bulk JSONL line ${this.lines}: line item of ${parent} does not follow its order; the JSONL is not grouped (run the query with groupObjects: true, or mine with grouped: false)`,
      );
    }
    const productId = r.product?.id;
    if (!productId || r.currentQuantity === 0) return;
    const product = this.counter.products.intern(productId);
    if (this.buffer) this.buffer.push(this.buffer.orders.intern(parent), product, linePosition(r.id, this.lines));
    else if (!this.currentExcluded) this.counter.add(product);
  }

  private order(r: BulkRecord): void {
    if (typeof r.id !== "string") return;
    const excluded = r.test === true || (r.cancelledAt !== null && r.cancelledAt !== undefined);
    if (this.buffer) {
      if (excluded) this.buffer.exclude(this.buffer.orders.intern(r.id));
      return;
    }
    this.counter.end();
    this.counter.begin();
    this.current = r.id;
    this.currentExcluded = excluded;
  }

  finish(): CoPurchaseStats {
    if (this.buffer) this.buffer.drainInto(this.counter);
    return this.counter.stats(this.minSupport, this.lines);
  }
}

/** Mines the bulk JSONL from lines (strings) or parsed records, sync or async (e.g. `readline`). */
export async function mineBulkJsonl(
  source: Iterable<string | BulkRecord> | AsyncIterable<string | BulkRecord>,
  opts: BulkMineOptions = {},
): Promise<CoPurchaseStats> {
  const miner = new BulkJsonlMiner(opts);
  if (Symbol.asyncIterator in source) for await (const line of source) miner.push(line);
  else for (const line of source) miner.push(line);
  return miner.finish();
}

/** Mines `{ orderId, productId }` lines, in any order (an order's lines need not be adjacent). */
export function mineOrderLines(lines: Iterable<OrderLine>, opts: MineOptions = {}): CoPurchaseStats {
  const { minSupport, maxProducts } = options(opts);
  const counter = new BasketCounter(maxProducts);
  const buffer = new LineBuffer();
  let n = 0;
  for (const line of lines) {
    n++;
    buffer.push(buffer.orders.intern(line.orderId), counter.products.intern(line.productId), n);
  }
  buffer.drainInto(counter);
  return counter.stats(minSupport, n);
}
