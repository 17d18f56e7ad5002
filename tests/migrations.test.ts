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
const sqliteMigrations = () =>
  readdirSync(SQLITE_DIR)
    .filter((d) => /^\d{14}_/.test(d))
    .sort();
const postgresMigrations = () =>
  readdirSync(POSTGRES_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();

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
    const client = createClient({
      url: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "moments-mig-")), "m.db")}`,
    });
    try {
      for (const n of names.slice(0, at))
        await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, n, "migration.sql"), "utf8"));
      for (const r of OLD_ROWS) {
        await client.execute({
          sql: `INSERT INTO "Shop" ("id", "domain", "name", "currency", "createdAt", "updatedAt") VALUES (?, ?, ?, 'EUR', 0, 0)`,
          args: [r.shop, `${r.shop}.myshopify.com`, r.shop],
        });
        await client.execute({
          sql: `INSERT INTO "ShopSettings" ("shopId", "declineBehaviour", "currencyDisplay", "updatedAt") VALUES (?, ?, ?, 0)`,
          args: [r.shop, r.decline, r.display],
        });
      }
      await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, names[at]!, "migration.sql"), "utf8"));
      const rows = await client.execute(
        `SELECT "shopId", "declineBehaviour", "currencyDisplay" FROM "ShopSettings" ORDER BY "shopId"`,
      );
      expect(rows.rows.map((r) => ({ ...r }))).toEqual([
        { shopId: "s1", declineBehaviour: "offer", currencyDisplay: "symbol" },
        { shopId: "s2", declineBehaviour: "offer", currencyDisplay: "symbol" },
      ]);
    } finally {
      client.close();
    }
  });

  it("GIVEN PostgreSQL settings saved with the old choices WHEN the migration runs THEN they read 'offer' and 'symbol'", async () => {
    cluster ??= await startPostgres();
    const files = postgresMigrations();
    const at = files.findIndex((f) => f.endsWith("_settings_values.sql"));
    expect(at).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: await cluster.createDatabase("settings_values") });
    await client.connect();
    try {
      for (const f of files.slice(0, at)) await client.query(readFileSync(path.join(POSTGRES_DIR, f), "utf8"));
      for (const r of OLD_ROWS) {
        await client.query(
          `INSERT INTO "Shop" ("id", "domain", "name", "currency", "updatedAt") VALUES ($1, $2, $3, 'EUR', now())`,
          [r.shop, `${r.shop}.myshopify.com`, r.shop],
        );
        await client.query(
          `INSERT INTO "ShopSettings" ("shopId", "declineBehaviour", "currencyDisplay", "updatedAt") VALUES ($1, $2, $3, now())`,
          [r.shop, r.decline, r.display],
        );
      }
      await client.query(readFileSync(path.join(POSTGRES_DIR, files[at]!), "utf8"));
      const rows = await client.query(
        `SELECT "shopId", "declineBehaviour", "currencyDisplay" FROM "ShopSettings" ORDER BY "shopId"`,
      );
      expect(rows.rows).toEqual([
        { shopId: "s1", declineBehaviour: "offer", currencyDisplay: "symbol" },
        { shopId: "s2", declineBehaviour: "offer", currencyDisplay: "symbol" },
      ]);
    } finally {
      await client.end();
    }
  }, 60_000);
});

/**
 * arm_id (decision 020): the experiment arm columns are renamed with RENAME COLUMN, so the arms
 * stored before it read back under the new names, and the roll-up's unique key still holds.
 * `NOW` is each dialect's timestamp literal.
 */
const ARM_ROWS = [
  `INSERT INTO "Shop" ("id", "domain", "name", "currency", "createdAt", "updatedAt") VALUES ('s1', 's1.myshopify.com', 's1', 'EUR', NOW, NOW)`,
  `INSERT INTO "Offer" ("id", "shopId", "name", "type", "definition", "createdAt", "updatedAt") VALUES ('o1', 's1', 'o1', 'product', '{}', NOW, NOW)`,
  `INSERT INTO "Experiment" ("id", "shopId", "offerId", "status", "winnerVariantId", "createdAt") VALUES ('e1', 's1', 'o1', 'stopped', 'arm-w', NOW)`,
  `INSERT INTO "Event" ("id", "shopId", "clientEventId", "type", "moment", "surface", "journeyKey", "offerId", "experimentId", "variantId", "arm", "occurredAt", "day", "receivedAt")
   VALUES ('ev1', 's1', 'c1', 'impression', 'checkout', 'checkout', 'j1', 'o1', 'e1', 'arm-e', 'variant', NOW, '2026-12-01', NOW)`,
  `INSERT INTO "MomentDaily" ("id", "shopId", "day", "moment", "offerId", "variantId", "arm", "impressions") VALUES ('md1', 's1', '2026-12-01', 'checkout', 'o1', 'arm-m', 'variant', 7)`,
  `INSERT INTO "AttributedLine" ("id", "shopId", "orderId", "lineId", "offerId", "variantId", "moment", "arm", "day", "quantity", "currency", "revenueMinor", "createdAt")
   VALUES ('al1', 's1', 'order-1', 'line-1', 'o1', 'arm-a', 'checkout', 'variant', '2026-12-01', 1, 'EUR', 1000, NOW)`,
  `INSERT INTO "OutboxMessage" ("id", "shopId", "orderShopifyId", "recipient", "recipientHash", "locale", "currency", "offerId", "variantId", "content", "dueAt", "nextAttemptAt", "messageId", "createdAt", "updatedAt")
   VALUES ('ob1', 's1', 'order-1', 'b@example.com', 'h', 'en', 'EUR', 'o1', 'arm-o', '{}', NOW, NOW, '<m1@moments>', NOW, NOW)`,
  `INSERT INTO "PostPurchaseOffer" ("id", "shopId", "referenceId", "offerId", "armVariantId", "step", "currency", "finalMinor", "createdAt", "updatedAt")
   VALUES ('ppo1', 's1', 'ref-1', 'o1', 'arm-p', 1, 'EUR', 500, NOW, NOW)`,
  `INSERT INTO "PostPurchaseUpsell" ("id", "shopId", "referenceId", "offerId", "armVariantId", "variantIds", "quantity", "jti", "changes", "currency", "finalMinor", "signedAt")
   VALUES ('ppu1', 's1', 'ref-1', 'o1', 'arm-u', '[]', 1, 'jti-1', '[]', 'EUR', 500, NOW)`,
];
const ARM_READS: Array<[string, string]> = [
  [`SELECT "winnerArmId" AS v FROM "Experiment"`, "arm-w"],
  [`SELECT "armId" AS v FROM "Event"`, "arm-e"],
  [`SELECT "armId" AS v FROM "MomentDaily"`, "arm-m"],
  [`SELECT "armId" AS v FROM "AttributedLine"`, "arm-a"],
  [`SELECT "armId" AS v FROM "OutboxMessage"`, "arm-o"],
  [`SELECT "armId" AS v FROM "PostPurchaseOffer"`, "arm-p"],
  [`SELECT "armId" AS v FROM "PostPurchaseUpsell"`, "arm-u"],
];
/** The same roll-up key again: refused by the renamed unique index. */
const ARM_DUPLICATE = `INSERT INTO "MomentDaily" ("id", "shopId", "day", "moment", "offerId", "armId", "arm") VALUES ('md2', 's1', '2026-12-01', 'checkout', 'o1', 'arm-m', 'variant')`;

describe("arm_id: the experiment arm columns renamed, the stored arms kept", () => {
  it("GIVEN SQLite rows written with the old arm columns WHEN the migration runs THEN every arm reads back under its new name and the roll-up key is still unique", async () => {
    const names = sqliteMigrations();
    const at = names.findIndex((n) => n.endsWith("_arm_id"));
    expect(at).toBeGreaterThan(0);
    const client = createClient({
      url: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "moments-mig-")), "m.db")}`,
    });
    try {
      for (const n of names.slice(0, at))
        await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, n, "migration.sql"), "utf8"));
      for (const statement of ARM_ROWS) await client.execute(statement.replaceAll("NOW", "0"));
      await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, names[at]!, "migration.sql"), "utf8"));
      for (const [query, arm] of ARM_READS)
        expect(
          (await client.execute(query)).rows.map((r) => r.v),
          query,
        ).toEqual([arm]);
      expect(
        (await client.execute(`SELECT "impressions" FROM "MomentDaily"`)).rows.map((r) => Number(r.impressions)),
      ).toEqual([7]);
      await expect(client.execute(ARM_DUPLICATE)).rejects.toThrow(/UNIQUE/);
    } finally {
      client.close();
    }
  });

  it("GIVEN PostgreSQL rows written with the old arm columns WHEN the migration runs THEN every arm reads back under its new name and the roll-up key is still unique", async () => {
    cluster ??= await startPostgres();
    const files = postgresMigrations();
    const at = files.findIndex((f) => f.endsWith("_arm_id.sql"));
    expect(at).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: await cluster.createDatabase("arm_id") });
    await client.connect();
    try {
      for (const f of files.slice(0, at)) await client.query(readFileSync(path.join(POSTGRES_DIR, f), "utf8"));
      for (const statement of ARM_ROWS) await client.query(statement.replaceAll("NOW", "now()"));
      await client.query(readFileSync(path.join(POSTGRES_DIR, files[at]!), "utf8"));
      for (const [query, arm] of ARM_READS)
        expect(
          (await client.query(query)).rows.map((r: { v: string }) => r.v),
          query,
        ).toEqual([arm]);
      expect(
        (await client.query(`SELECT "impressions" FROM "MomentDaily"`)).rows.map((r: { impressions: string }) =>
          Number(r.impressions),
        ),
      ).toEqual([7]);
      await expect(client.query(ARM_DUPLICATE)).rejects.toThrow(/unique/);
    } finally {
      await client.end();
    }
  }, 60_000);
});

/**
 * auto_allocation (decision 030): experiments stored before it read "fixed" (their split stays the
 * merchant's), and the epochs table takes one row per experiment version and day.
 */
const ALLOCATION_ROWS = [
  `INSERT INTO "Shop" ("id", "domain", "name", "currency", "createdAt", "updatedAt") VALUES ('s1', 's1.myshopify.com', 's1', 'EUR', NOW, NOW)`,
  `INSERT INTO "Offer" ("id", "shopId", "name", "type", "definition", "createdAt", "updatedAt") VALUES ('o1', 's1', 'o1', 'product', '{}', NOW, NOW)`,
  `INSERT INTO "Experiment" ("id", "shopId", "offerId", "status", "createdAt") VALUES ('e1', 's1', 'o1', 'running', NOW)`,
];
const EPOCH_ROW = `INSERT INTO "AllocationEpoch" ("shopId", "experimentId", "version", "day", "holdoutBps", "weights", "publishedAt") VALUES ('s1', 'e1', 1, '2026-12-03', 1000, '{"a":4500,"b":4500}', NOW)`;

describe("auto_allocation: experiments from before it keep their fixed split", () => {
  it("GIVEN a SQLite experiment stored before the migration WHEN it runs THEN the experiment reads 'fixed' and one epoch per version and day is accepted", async () => {
    const names = sqliteMigrations();
    const at = names.findIndex((n) => n.endsWith("_auto_allocation"));
    expect(at).toBeGreaterThan(0);
    const client = createClient({
      url: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "moments-mig-")), "m.db")}`,
    });
    try {
      for (const n of names.slice(0, at))
        await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, n, "migration.sql"), "utf8"));
      for (const statement of ALLOCATION_ROWS) await client.execute(statement.replaceAll("NOW", "0"));
      await client.executeMultiple(readFileSync(path.join(SQLITE_DIR, names[at]!, "migration.sql"), "utf8"));
      expect((await client.execute(`SELECT "allocation" FROM "Experiment"`)).rows.map((r) => r.allocation)).toEqual([
        "fixed",
      ]);
      await client.execute(EPOCH_ROW.replaceAll("NOW", "0"));
      await expect(client.execute(EPOCH_ROW.replaceAll("NOW", "0"))).rejects.toThrow(/UNIQUE/i);
    } finally {
      client.close();
    }
  });

  it("GIVEN a PostgreSQL experiment stored before the migration WHEN it runs THEN the experiment reads 'fixed' and one epoch per version and day is accepted", async () => {
    cluster ??= await startPostgres();
    const files = postgresMigrations();
    const at = files.findIndex((f) => f.endsWith("_auto_allocation.sql"));
    expect(at).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: await cluster.createDatabase("auto_allocation") });
    await client.connect();
    try {
      for (const f of files.slice(0, at)) await client.query(readFileSync(path.join(POSTGRES_DIR, f), "utf8"));
      for (const statement of ALLOCATION_ROWS) await client.query(statement.replaceAll("NOW", "now()"));
      await client.query(readFileSync(path.join(POSTGRES_DIR, files[at]!), "utf8"));
      expect((await client.query(`SELECT "allocation" FROM "Experiment"`)).rows).toEqual([{ allocation: "fixed" }]);
      await client.query(EPOCH_ROW.replaceAll("NOW", "now()"));
      await expect(client.query(EPOCH_ROW.replaceAll("NOW", "now()"))).rejects.toThrow(/unique|duplicate/i);
    } finally {
      await client.end();
    }
  }, 60_000);
});
