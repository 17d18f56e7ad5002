import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./support/paths";
import { startPostgres, type PostgresCluster } from "./support/postgres";
import pg from "pg";

/**
 * Migrations that change stored values, not only shapes: run on a database holding rows written
 * before them, on SQLite (prisma/migrations) and on PostgreSQL (prisma/postgres).
 */
const SQLITE_DIR = path.join(ROOT, "prisma/migrations");
const POSTGRES_DIR = path.join(ROOT, "prisma/postgres");
const sqliteMigrations = () => readdirSync(SQLITE_DIR).filter((d) => /^\d{14}_/.test(d)).sort();
const postgresMigrations = () => readdirSync(POSTGRES_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();

const OLD_ROWS = [
  { shop: "s1", decline: "hide_for_journey", display: "presentment" },
  { shop: "s2", decline: "hide_for_journey", display: "shop" },
];

let cluster: PostgresCluster | undefined;
afterAll(() => cluster?.stop());

describe("settings_values: the old Settings choices become the engine's", () => {
  it("GIVEN SQLite settings saved with the old choices WHEN the migration runs THEN they read 'offer' and 'symbol'", async () => {
    const names = sqliteMigrations();
    const at = names.findIndex((n) => n.endsWith("_settings_values"));
    expect(at).toBeGreaterThan(0);
    const client = createClient({ url: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "moments-mig-")), "m.db")}` });
    try {
      for (const n of names.slice(0, at)) await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, n, "migration.sql"), "utf8"));
      for (const r of OLD_ROWS) {
        await client.execute({ sql: `INSERT INTO "Shop" ("id", "domain", "name", "currency", "createdAt", "updatedAt") VALUES (?, ?, ?, 'EUR', 0, 0)`, args: [r.shop, `${r.shop}.myshopify.com`, r.shop] });
        await client.execute({ sql: `INSERT INTO "ShopSettings" ("shopId", "declineBehaviour", "currencyDisplay", "updatedAt") VALUES (?, ?, ?, 0)`, args: [r.shop, r.decline, r.display] });
      }
      await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, names[at]!, "migration.sql"), "utf8"));
      const rows = await client.execute(`SELECT "shopId", "declineBehaviour", "currencyDisplay" FROM "ShopSettings" ORDER BY "shopId"`);
      expect(rows.rows.map((r) => ({ ...r }))).toEqual([
        { shopId: "s1", declineBehaviour: "offer", currencyDisplay: "symbol" },
        { shopId: "s2", declineBehaviour: "offer", currencyDisplay: "symbol" },
      ]);
    } finally {
      client.close();
    }
  });

  it("GIVEN PostgreSQL settings saved with the old choices WHEN the migration runs THEN they read 'offer' and 'symbol'", async () => {
    cluster = await startPostgres();
    const files = postgresMigrations();
    const at = files.findIndex((f) => f.endsWith("_settings_values.sql"));
    expect(at).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: await cluster.createDatabase("settings_values") });
    await client.connect();
    try {
      for (const f of files.slice(0, at)) await client.query(readFileSync(path.join(POSTGRES_DIR, f), "utf8"));
      for (const r of OLD_ROWS) {
        await client.query(`INSERT INTO "Shop" ("id", "domain", "name", "currency", "updatedAt") VALUES ($1, $2, $3, 'EUR', now())`, [r.shop, `${r.shop}.myshopify.com`, r.shop]);
        await client.query(`INSERT INTO "ShopSettings" ("shopId", "declineBehaviour", "currencyDisplay", "updatedAt") VALUES ($1, $2, $3, now())`, [r.shop, r.decline, r.display]);
      }
      await client.query(readFileSync(path.join(POSTGRES_DIR, files[at]!), "utf8"));
      const rows = await client.query(`SELECT "shopId", "declineBehaviour", "currencyDisplay" FROM "ShopSettings" ORDER BY "shopId"`);
      expect(rows.rows).toEqual([
        { shopId: "s1", declineBehaviour: "offer", currencyDisplay: "symbol" },
        { shopId: "s2", declineBehaviour: "offer", currencyDisplay: "symbol" },
      ]);
    } finally {
      await client.end();
    }
  }, 60_000);
});
