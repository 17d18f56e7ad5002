import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { freshDatabase, type TestDatabase } from "./support/db";

// The demo store's product search, on the run's database: it must answer the same on SQLite and
// PostgreSQL (whose LIKE is case-sensitive), and as Shopify's search does, whatever the case.
let db: TestDatabase;
let gateway: ShopGateway;

beforeAll(async () => {
  db = freshDatabase("demo-catalog");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 1, days: 1, ordersPerDay: 1 });
  gateway = demoGateway(db.prisma, shopId);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

const titles = async (query: string, limit?: number) => (await gateway.searchProducts(query, limit)).map((p) => p.title);

describe("the demo store's product search", () => {
  it("GIVEN a title typed in another case WHEN searched THEN the product is found as with its own case", async () => {
    expect(await titles("alpine down")).toEqual(["Alpine Down Parka"]);
    expect(await titles("ALPINE DOWN")).toEqual(["Alpine Down Parka"]);
  });

  it("GIVEN a vendor in another case WHEN searched THEN every product of it is found, in title order", async () => {
    const byVendor = await titles("Northfold");
    expect(byVendor).toEqual(expect.arrayContaining(["Alpine Down Parka", "Try-at-Home Sizing Kit"]));
    expect(byVendor).toEqual([...byVendor].sort());
    expect(await titles("NORTHFOLD")).toEqual(byVendor);
  });

  it("GIVEN a tag in another case WHEN searched THEN the products carrying it are found", async () => {
    expect(await titles("WINTER")).toContain("Alpine Down Parka");
    expect(await titles("WINTER")).toEqual(await titles("winter"));
  });

  it("GIVEN a limit smaller than the matches WHEN searched THEN the first matches by title, at most the limit", async () => {
    const all = await titles("");
    expect(all.length).toBeGreaterThan(3);
    expect(await titles("", 3)).toEqual(all.slice(0, 3));
    const vendor = await titles("northfold");
    expect(await titles("northfold", 1)).toEqual(vendor.slice(0, 1));
  });
});
