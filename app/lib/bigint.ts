/**
 * Money and counters are 64-bit columns (Prisma `BigInt`, docs/decisions/015-money-64-bit.md):
 * Prisma hands them back as `bigint`, raw SQL as `bigint` on PostgreSQL and `number` or `bigint`
 * on SQLite. The app computes on `number` (exact to 2^53 - 1 minor units, 9.0e15) and Remix cannot
 * serialise a bigint, so every read converts here, at the data-access boundary, and refuses loudly
 * rather than rounding money silently.
 */

/**
 * The largest amount the app accepts from outside (an event's valueMinor or cartMinor, an order's
 * totals), in minor units: IDR 1,000,000,000.00 or JPY 100,000,000,000. 90,000 such amounts still
 * sum exactly as a number (2^53 - 1 = 9.0e15).
 */
export const MAX_AMOUNT_MINOR = 100_000_000_000;

export class UnsafeIntegerError extends RangeError {
  constructor(value: bigint | number, what?: string) {
    super(`${what ?? "integer"} ${String(value)} is beyond Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER}): it cannot be computed on exactly`);
    this.name = "UnsafeIntegerError";
  }
}

/** A 64-bit column's value as a number; throws beyond ±(2^53 - 1), where a number would round. */
export function toSafeNumber(value: bigint | number, what?: string): number {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new UnsafeIntegerError(value, what);
    return Number(value);
  }
  // A raw SQLite sum can come back as a float; an integer column's sum never has a fraction.
  if (!Number.isSafeInteger(value)) throw new UnsafeIntegerError(value, what);
  return value;
}

/** toSafeNumber for nullable columns and aggregates (`_sum` is null over no rows): null stays null. */
export function toSafeNumberOrNull(value: bigint | number | null | undefined, what?: string): number | null {
  return value === null || value === undefined ? null : toSafeNumber(value, what);
}

type Numbered<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? number | null : number };

/** A row with the named 64-bit columns as numbers (null kept where the column is nullable). */
export function withNumbers<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Numbered<T, K> {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const k of keys) {
    const v = row[k] as unknown as bigint | number | null | undefined;
    out[k as string] = toSafeNumberOrNull(v, String(k));
  }
  return out as Numbered<T, K>;
}

/** An aggregate's `_sum` with every field a number, 0 for null (no rows). */
export function sumsAsNumbers<T extends Record<string, bigint | number | null>>(sums: T): { [P in keyof T]: number } {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) out[k] = toSafeNumberOrNull(v, k) ?? 0;
  return out as { [P in keyof T]: number };
}
