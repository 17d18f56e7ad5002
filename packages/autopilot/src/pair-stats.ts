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

export interface StatsData {
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
