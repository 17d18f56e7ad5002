import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The PostgreSQL pass (`npm run test:postgres`): every test file that opens a database through
 * tests/support (freshDatabase, or the browser session built on it) runs with
 * MOMENTS_TEST_DATABASE=postgresql. Picked by content, so a new database test joins by itself.
 * Pure-logic tests (packages, extensions, builds, schemas) and the files whose every test is
 * already written for both databases (`describe.each(["sqlite", "postgresql"])`, their own
 * cluster) run once, in the default SQLite pass.
 * docs/decisions/002-database.md, "Tests: the whole suite on both databases".
 */
const OPENS_A_DATABASE = /\bfreshDatabase\(|\bdemoAdminInChromium\(/;
const ALREADY_ON_BOTH = /\.each\(\["sqlite", "postgresql"\]/;

function databaseTests(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts") && !f.split(path.sep).includes("node_modules"))
    .map((f) => path.join(dir, f))
    .filter((file) => {
      const source = readFileSync(file, "utf8");
      return OPENS_A_DATABASE.test(source) && !ALREADY_ON_BOTH.test(source);
    })
    .sort();
}

// The global setup runs in this process (it starts the run's cluster), so the switch goes here too,
// not only into the workers' env.
process.env.MOMENTS_TEST_DATABASE = "postgresql";

export default defineConfig({
  ...base,
  test: { ...base.test, include: databaseTests("tests") },
});
