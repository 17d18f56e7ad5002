import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { driverOf, NeedsPrismaTransaction, requirePrisma, type Driver } from "~/lib/driver.server";
import { isUniqueViolation, render, sql } from "~/lib/sql.server";
import { freshDatabase, type TestDatabase } from "./support/db";

// The event hot path's driver (app/lib/driver.server.ts) on the connections Prisma uses: what it
// writes commits or rolls back whole, it never interleaves with a Prisma transaction, and its
// errors read as the same kinds Prisma's do.

let db: TestDatabase;
let driver: Driver;

beforeAll(() => {
  db = freshDatabase("driver");
  driver = driverOf(db.prisma)!;
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

// SQLite: one connection, one lock; PostgreSQL: another pooled connection, READ COMMITTED.
const sqlite = process.env.MOMENTS_TEST_DATABASE !== "postgresql";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statement = (fragment: ReturnType<typeof sql>) => render(fragment, driver.dialect);

describe("the driver under the app's Prisma client", () => {
  test("GIVEN a client made by createPrisma THEN it has a driver of the client's own dialect", () => {
    expect(driver).toBeDefined();
    expect(driver.dialect).toBe(process.env.MOMENTS_TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite");
  });

  test("GIVEN a driver transaction that throws after writing WHEN it ends THEN nothing it wrote is stored", async () => {
    const domain = "driver-rollback.myshopify.com";
    await expect(
      driver.transaction(async (s) => {
        await s.$executeRawUnsafe(
          ...toArgs(statement(sql`INSERT INTO "Shop" ("id", "domain", "name", "currency", "updatedAt") VALUES (${"shop-rollback"}, ${domain}, ${"R"}, ${"EUR"}, ${new Date()})`)),
        );
        requirePrisma(s, "a rare path");
      }),
    ).rejects.toBeInstanceOf(NeedsPrismaTransaction);
    expect(await db.prisma.shop.count({ where: { domain } })).toBe(0);
  });

  test(`GIVEN a Prisma transaction still open WHEN a driver transaction starts THEN ${sqlite ? "it runs after Prisma's commit and reads what it wrote" : "it runs alongside and does not see the uncommitted row"}`, async () => {
    const domain = "driver-order.myshopify.com";
    const order: string[] = [];
    const prismaSide = db.prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { domain, name: "P", currency: "EUR" } });
      order.push("prisma wrote");
      await sleep(150);
      order.push("prisma commits");
    });
    await sleep(30);
    const seen = await driver.transaction(async (s) => {
      order.push("driver starts");
      const rows = (await s.$queryRawUnsafe(...toArgs(statement(sql`SELECT "domain" FROM "Shop" WHERE "domain" = ${domain}`)))) as unknown[];
      return rows.length;
    });
    await prismaSide;

    expect(order).toEqual(sqlite ? ["prisma wrote", "prisma commits", "driver starts"] : ["prisma wrote", "driver starts", "prisma commits"]);
    expect(seen).toBe(sqlite ? 1 : 0);
  });

  test(`GIVEN a driver transaction still open WHEN Prisma reads THEN ${sqlite ? "the read waits for the commit and sees the row" : "the read runs alongside and does not see the uncommitted row"}`, async () => {
    const domain = "driver-first.myshopify.com";
    const order: string[] = [];
    const driverSide = driver.transaction(async (s) => {
      await s.$executeRawUnsafe(
        ...toArgs(statement(sql`INSERT INTO "Shop" ("id", "domain", "name", "currency", "updatedAt") VALUES (${"shop-first"}, ${domain}, ${"F"}, ${"EUR"}, ${new Date()})`)),
      );
      order.push("driver wrote");
      await sleep(150);
      order.push("driver commits");
    });
    await sleep(30);
    const seen = await db.prisma.shop.count({ where: { domain } });
    order.push("prisma read");
    await driverSide;

    expect(order).toEqual(sqlite ? ["driver wrote", "driver commits", "prisma read"] : ["driver wrote", "prisma read", "driver commits"]);
    expect(seen).toBe(sqlite ? 1 : 0);
  });

  test("GIVEN a DateTime written through the driver as a Date WHEN Prisma reads it THEN it is the same instant", async () => {
    const at = new Date("2026-03-29T01:30:15.250Z");
    await driver.transaction((s) =>
      s.$executeRawUnsafe(
        ...toArgs(statement(sql`INSERT INTO "Shop" ("id", "domain", "name", "currency", "installedAt", "updatedAt") VALUES (${"shop-date"}, ${"driver-date.myshopify.com"}, ${"D"}, ${"EUR"}, ${at}, ${at})`)),
      ),
    );

    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: "driver-date.myshopify.com" } });

    expect(shop.installedAt.toISOString()).toBe(at.toISOString());
  });

  test("GIVEN a row already stored WHEN the driver inserts it again THEN the error reads as a unique violation", async () => {
    const insert = statement(
      sql`INSERT INTO "Shop" ("id", "domain", "name", "currency", "updatedAt") VALUES (${"shop-unique"}, ${"driver-unique.myshopify.com"}, ${"U"}, ${"EUR"}, ${new Date()})`,
    );
    await driver.transaction((s) => s.$executeRawUnsafe(...toArgs(insert)));

    const again = await driver.transaction((s) => s.$executeRawUnsafe(...toArgs(insert))).catch((error: unknown) => error);

    expect(isUniqueViolation(again)).toBe(true);
    expect(await db.prisma.shop.count({ where: { domain: "driver-unique.myshopify.com" } })).toBe(1);
  });

  test("GIVEN BIGINT values below and past 2^53 WHEN read through the driver THEN the small one is a number and the large one an exact bigint", async () => {
    const { text, params } = statement(sql`SELECT CAST(${"9007199254740993"} AS BIGINT) AS "big", CAST(${"42"} AS BIGINT) AS "small"`);
    const rows = await driver.read<{ big: unknown; small: unknown }>(text, params);
    expect(rows[0]!.big).toBe(9007199254740993n);
    expect(rows[0]!.small).toBe(42);
  });
});

const toArgs = ({ text, params }: { text: string; params: unknown[] }): [string, ...unknown[]] => [text, ...params];
