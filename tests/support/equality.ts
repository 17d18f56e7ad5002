import { expect } from "vitest";

/**
 * Money and counters are BIGINT columns (docs/decisions/015-money-64-bit.md): Prisma reads them as
 * `bigint`, while expectations are written as numbers. A bigint equals a number when they are the
 * same integer, exactly (BigInt(n) of a non-integer throws, so 1.5 never equals anything).
 */
expect.addEqualityTesters([
  (a: unknown, b: unknown) => {
    if (typeof a === "bigint" && typeof b === "number") return Number.isInteger(b) && a === BigInt(b);
    if (typeof a === "number" && typeof b === "bigint") return Number.isInteger(a) && BigInt(a) === b;
    return undefined;
  },
]);
