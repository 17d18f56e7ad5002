import { toSafeNumber } from "~/lib/bigint";

type Numbers<T> = T extends bigint ? number : T extends Date ? T : T extends Array<infer U> ? Array<Numbers<U>> : T extends object ? { [K in keyof T]: Numbers<T[K]> } : T;

/**
 * Rows as the app reads them: 64-bit columns as numbers (toSafeNumber, the app's boundary). Prisma
 * hands BigInt columns back as `bigint` on PostgreSQL but, through the libsql adapter, as `number`
 * on SQLite, so an assertion on a raw row must convert to mean the same on both databases.
 */
export function numbers<T>(value: T): Numbers<T> {
  if (typeof value === "bigint") return toSafeNumber(value) as Numbers<T>;
  if (Array.isArray(value)) return value.map((v) => numbers(v)) as Numbers<T>;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbers(v)])) as Numbers<T>;
  }
  return value as Numbers<T>;
}
