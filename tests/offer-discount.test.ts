import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopifyGateway, OFFER_DISCOUNT_TITLE, type AdminGraphql } from "~/gateway/shopify.server";
import { publishShop } from "~/publish/publish.server";
import { freshDatabase, type TestDatabase } from "./support/db";

/** Shopify's Admin GraphQL endpoint, faked at the one boundary the gateway uses. */
function fakeAdmin(answers: { existingTitles: string[]; createErrors?: string[] }) {
  const calls: Array<{ query: string; variables?: Record<string, unknown> }> = [];
  const admin: AdminGraphql = {
    async graphql(query, options) {
      calls.push({ query, variables: options?.variables });
      if (query.includes("MomentsOfferDiscounts")) {
        const nodes = answers.existingTitles.map((title, i) => ({ id: `gid://shopify/DiscountAutomaticNode/${i}`, automaticDiscount: { title, status: "ACTIVE" } }));
        return Response.json({ data: { automaticDiscountNodes: { nodes } } });
      }
      if (query.includes("MomentsOfferDiscountCreate")) {
        const userErrors = (answers.createErrors ?? []).map((message) => ({ field: ["automaticAppDiscount"], message }));
        return Response.json({ data: { discountAutomaticAppCreate: { automaticAppDiscount: userErrors.length ? null : { discountId: "gid://shopify/DiscountAutomaticNode/9" }, userErrors } } });
      }
      if (query.includes("MomentsShop")) return Response.json({ data: { shop: { id: "gid://shopify/Shop/1", name: "s", currencyCode: "EUR", plan: { shopifyPlus: true } } } });
      if (query.includes("MomentsPublish")) {
        return Response.json({ data: { metafieldsSet: { metafields: [{ key: "offers", namespace: "$app", updatedAt: "2026-11-24T08:00:00Z" }], userErrors: [] } } });
      }
      throw new Error(`unexpected query: ${query.slice(0, 60)}`);
    },
  };
  return { admin, calls, created: () => calls.filter((c) => c.query.includes("MomentsOfferDiscountCreate")) };
}

let db: TestDatabase;
beforeAll(() => {
  db = freshDatabase("offer-discount");
});
afterAll(() => db.prisma.$disconnect());

describe("the automatic app discount that runs the Discount Function", () => {
  it("GIVEN a shop without it WHEN ensured THEN it is created for the function, product class, stacking with order and shipping discounts", async () => {
    const fake = fakeAdmin({ existingTitles: ["Summer sale"] });
    await shopifyGateway(fake.admin, "EUR").ensureOfferDiscount!();
    expect(fake.created()).toHaveLength(1);
    expect(fake.created()[0]!.variables).toMatchObject({
      discount: {
        title: OFFER_DISCOUNT_TITLE,
        functionHandle: "discount-function",
        discountClasses: ["PRODUCT"],
        combinesWith: { orderDiscounts: true, productDiscounts: false, shippingDiscounts: true },
      },
    });
  });

  it("GIVEN a shop that has it WHEN ensured again THEN nothing is created", async () => {
    const fake = fakeAdmin({ existingTitles: [OFFER_DISCOUNT_TITLE] });
    await shopifyGateway(fake.admin, "EUR").ensureOfferDiscount!();
    expect(fake.created()).toHaveLength(0);
  });

  it("GIVEN Shopify refuses to create it WHEN the shop publishes THEN the payload is live and the merchant reads why in plain words", async () => {
    const shop = await db.prisma.shop.create({ data: { domain: "refused.myshopify.com", name: "Refused", currency: "EUR" } });
    const fake = fakeAdmin({ existingTitles: [], createErrors: ["Function not found"] });
    const outcome = await publishShop(db.prisma, shop, shopifyGateway(fake.admin, "EUR"));
    expect(outcome).toEqual({ ok: false, error: "Offers are published, but Shopify did not create the discount that prices offers: Function not found" });
    expect(await db.prisma.publication.count({ where: { shopId: shop.id } })).toBe(1);
    const after = await db.prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.publishError).toBe(outcome.ok ? null : outcome.error);
    expect(after.publishedAt).toBeInstanceOf(Date);
  });
});
