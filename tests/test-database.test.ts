import { afterAll, describe, expect, it } from "vitest";
import { dialectOf } from "~/db.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { testDialect } from "./support/database";

// The run's database switch (MOMENTS_TEST_DATABASE, docs/decisions/002-database.md): a pass that
// claims to run on PostgreSQL must really hand out PostgreSQL databases, each its own and migrated.
const opened: TestDatabase[] = [];
const fresh = (label: string) => {
  const db = freshDatabase(label);
  opened.push(db);
  return db;
};
afterAll(async () => {
  for (const db of opened) await db.prisma.$disconnect();
});

describe(`freshDatabase on this run's database (${testDialect()})`, () => {
  it("GIVEN the run's MOMENTS_TEST_DATABASE WHEN a database is opened THEN its URL and its server are of that dialect", async () => {
    const db = fresh("switch");
    expect(dialectOf(db.url)).toBe(testDialect());
    const probe = testDialect() === "postgresql" ? "SELECT version() AS v" : "SELECT sqlite_version() AS v";
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ v: string }>>(probe);
    expect(row!.v).toMatch(testDialect() === "postgresql" ? /^PostgreSQL / : /^3\./);
  });

  it("GIVEN two fresh databases WHEN a shop is written to one THEN the other stays empty", async () => {
    const a = fresh("isolated-a");
    const b = fresh("isolated-b");
    expect(a.url).not.toBe(b.url);
    await a.prisma.shop.create({ data: { domain: "one.myshopify.com", name: "One", currency: "EUR" } });
    expect(await a.prisma.shop.count()).toBe(1);
    expect(await b.prisma.shop.count()).toBe(0);
  });
});
