import path from "node:path";

/**
 * Which database the test run uses: MOMENTS_TEST_DATABASE=postgresql runs every database-touching
 * test on PostgreSQL (one cluster for the run, started by tests/support/global-setup.ts); the
 * default is SQLite. docs/decisions/002-database.md, "Tests: the whole suite on both databases".
 */
export type TestDialect = "sqlite" | "postgresql";

export function testDialect(): TestDialect {
  const value = process.env.MOMENTS_TEST_DATABASE ?? "sqlite";
  if (value === "sqlite" || value === "postgresql") return value;
  throw new Error(`MOMENTS_TEST_DATABASE must be sqlite or postgresql, not ${JSON.stringify(value)}`);
}

/**
 * How the global setup tells the forked workers where the run's PostgreSQL is: environment
 * variables, which the workers inherit because vitest forks them after the global setup ran.
 */
export const PG_ENV = {
  /** The cluster's admin URL (database `postgres`). */
  adminUrl: "MOMENTS_TEST_PG_URL",
  /** The migrated template every fresh database is created from. */
  template: "MOMENTS_TEST_PG_TEMPLATE",
  /** The cluster's psql binary (freshDatabase stays synchronous by shelling out to it). */
  psql: "MOMENTS_TEST_PG_PSQL",
} as const;

export const PG_TEMPLATE = "moments_template";

export function psqlPath(bin: string): string {
  return bin ? path.join(bin, "psql") : "psql";
}
