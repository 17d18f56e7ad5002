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

export const DEFAULT_MIN_SUPPORT = 2;
export const DEFAULT_MAX_PRODUCTS_PER_ORDER = 32;

import { BasketCounter, LineBuffer } from "./counting";
import type { CoPurchaseStats } from "./pair-stats";

export { CoPurchaseStats, type PairStat } from "./pair-stats";

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
