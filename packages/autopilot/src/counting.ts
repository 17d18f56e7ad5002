/** The miner's counting machinery: interned ids, a pair hash table, basket and line buffers. */
import { CoPurchaseStats } from "./pair-stats";
export function grown(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const b = new Int32Array(Math.max(min, a.length * 2, 16));
  b.set(a);
  return b;
}

export class Interner {
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
export class PairTable {
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
export class BasketCounter {
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
export class LineBuffer {
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
