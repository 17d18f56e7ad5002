import { decimalToMinor } from "~/lib/decimal";
import {
  COLLECTIONS_QUERY,
  DISCOUNT_CODE_CREATE_MUTATION,
  METAFIELD_QUERY,
  METAFIELDS_SET_MUTATION,
  OFFER_DISCOUNT_CREATE_MUTATION,
  OFFER_DISCOUNT_INPUT_MUTATION,
  OFFER_DISCOUNTS_QUERY,
  PRODUCTS_BY_ID_QUERY,
  PRODUCTS_QUERY,
  SHOP_EMAIL_QUERY,
  SHOP_QUERY,
} from "./admin-documents";
import type { MomentsProductFieldsFragment } from "~/graphql/admin.generated";
import { payload, run, type AdminGraphql } from "./admin-client.server";
import { orderEditing } from "./order-edit.server";
import { shopifyOrderHistory } from "./order-history.server";
import { shopifyBilling } from "~/billing/shopify-billing.server";
import { GatewayError, OFFER_FUNCTION_INPUT_METAFIELD, type CatalogProduct, type ShopGateway } from "./types";
import { FULL_PRODUCT, productReadVariables, productsPerRead, searchPage } from "./product-reads";

// The typed admin client's slice moved to admin-client.server.ts; re-exported for its callers.
export type { AdminData, AdminDocument, AdminGraphql, AdminResponse, AdminVariables } from "./admin-client.server";

/** The title the merchant sees in Discounts; also how the app recognises its own discount. */
export const OFFER_DISCOUNT_TITLE = "Moments offer prices";
/** The Discount Function's handle (extensions/discount-function/shopify.extension.toml). */
export const OFFER_DISCOUNT_FUNCTION_HANDLE = "discount-function";

export function shopifyGateway(admin: AdminGraphql, shopCurrency: string): ShopGateway {
  const toCatalog = (p: MomentsProductFieldsFragment): CatalogProduct => ({
    id: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    tags: p.tags,
    collections: p.collections?.nodes.map((c) => c.id) ?? [],
    imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
    active: p.status !== "ARCHIVED" && p.status !== "DRAFT",
    variants: p.variants.nodes.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku ?? null,
      prices: { [shopCurrency]: decimalToMinor(v.price, shopCurrency) },
      inventory: v.inventoryQuantity ?? null,
      sellingPlanId: v.sellingPlanGroups?.nodes[0]?.sellingPlans.nodes[0]?.id ?? null,
    })),
  });
  let shopGid: string | undefined;

  return {
    kind: "shopify",
    currencies: [shopCurrency],
    async searchProducts(query, limit = 25) {
      const page = searchPage(limit);
      const data = await run(admin, PRODUCTS_QUERY, {
        first: page.first,
        query: query.trim() || null,
        ...productReadVariables(page.sizes),
      });
      return data.products.nodes.map(toCatalog);
    },
    async getProducts(ids, sizes = FULL_PRODUCT) {
      const out: CatalogProduct[] = [];
      // As many products a query as its requested cost allows (product-reads.ts).
      for (let i = 0, n = productsPerRead(sizes); i < ids.length; i += n) {
        const data = await run(admin, PRODUCTS_BY_ID_QUERY, {
          ids: ids.slice(i, i + n),
          ...productReadVariables(sizes),
        });
        for (const node of data.nodes)
          if (node && "variants" in node) out.push(toCatalog(node as MomentsProductFieldsFragment));
      }
      return out;
    },
    async listCollections(query = "") {
      const data = await run(admin, COLLECTIONS_QUERY, { query: query.trim() || null });
      return data.collections.nodes.map((c) => ({ id: c.id, title: c.title }));
    },
    async publishMetafield(key, jsonValue, alongside = []) {
      shopGid ??= (await run(admin, SHOP_QUERY)).shop.id;
      const ownerId = shopGid;
      // One metafieldsSet call: Shopify saves all of them or none (at most 25 per call).
      const data = await run(admin, METAFIELDS_SET_MUTATION, {
        metafields: [
          { ownerId, namespace: "$app", key, type: "json", value: jsonValue },
          ...alongside.map((m) => ({ ownerId, namespace: "$app", key: m.key, type: m.type, value: m.value })),
        ],
      });
      const result = payload(data.metafieldsSet);
      const errors = result.userErrors;
      if (errors.length)
        throw new GatewayError(`Shopify did not save the offers: ${errors.map((e) => e.message).join("; ")}`);
      const saved = result.metafields ?? [];
      const updatedAt = (saved.find((m) => m.key === key) ?? saved[0])?.updatedAt;
      return { publishedAt: updatedAt ? new Date(updatedAt) : new Date() };
    },
    async shopEmail() {
      const email = (await run(admin, SHOP_EMAIL_QUERY)).shop.email.trim();
      return email || null;
    },
    async ensureOfferDiscount(functionInput) {
      const existing = await run(admin, OFFER_DISCOUNTS_QUERY);
      let discountId = existing.automaticDiscountNodes.nodes.find(
        (n) => n.automaticDiscount.title === OFFER_DISCOUNT_TITLE,
      )?.id;
      if (!discountId) {
        const data = await run(admin, OFFER_DISCOUNT_CREATE_MUTATION, {
          discount: {
            title: OFFER_DISCOUNT_TITLE,
            functionHandle: OFFER_DISCOUNT_FUNCTION_HANDLE,
            discountClasses: ["PRODUCT"],
            startsAt: new Date().toISOString(),
            // Offer prices stack with the merchant's order and shipping discounts, not with other
            // product discounts on the same line (the published price is the price).
            combinesWith: { orderDiscounts: true, productDiscounts: false, shippingDiscounts: true },
          },
        });
        const created = payload(data.discountAutomaticAppCreate);
        const errors = created.userErrors;
        if (errors.length)
          throw new GatewayError(
            `Shopify did not create the discount that prices offers: ${errors.map((e) => e.message).join("; ")}`,
          );
        discountId = created.automaticAppDiscount?.discountId;
      }
      if (!functionInput) return;
      if (!discountId)
        throw new GatewayError(
          "Shopify did not say which discount prices offers, so tag and collection offers cannot be priced.",
        );
      const data = await run(admin, OFFER_DISCOUNT_INPUT_MUTATION, {
        metafields: [
          {
            ownerId: discountId,
            ...OFFER_FUNCTION_INPUT_METAFIELD,
            type: "json",
            value: JSON.stringify({ tags: functionInput.tags, collections: functionInput.collections }),
          },
        ],
      });
      const result = payload(data.metafieldsSet);
      const errors = result.userErrors;
      if (errors.length)
        throw new GatewayError(
          `Shopify did not save the tags and collections that trigger offers: ${errors.map((e) => e.message).join("; ")}`,
        );
    },
    async readMetafield(key) {
      const data = await run(admin, METAFIELD_QUERY, { key });
      return data.shop.metafield?.value ?? null;
    },
    async createDiscountCode(input) {
      const data = await run(admin, DISCOUNT_CODE_CREATE_MUTATION, {
        basicCodeDiscount: {
          title: input.title,
          code: input.code,
          startsAt: input.startsAt.toISOString(),
          endsAt: input.endsAt.toISOString(),
          usageLimit: 1,
          appliesOncePerCustomer: true,
          context: input.customerId ? { customers: { add: [input.customerId] } } : { all: "ALL" },
          customerGets: {
            value: { percentage: input.percentage },
            items: { products: { productVariantsToAdd: input.variantIds } },
          },
        },
      });
      const errors = payload(data.discountCodeBasicCreate).userErrors;
      // A retry after a crash finds its own code already there: that is success, not a failure.
      if (errors.length && !errors.every((e) => e.code === "TAKEN" && (e.field ?? []).includes("code"))) {
        throw new GatewayError(`Shopify did not create the discount code: ${errors.map((e) => e.message).join("; ")}`);
      }
      return { code: input.code };
    },
    ...orderEditing(admin),
    orderHistory: shopifyOrderHistory(admin, shopCurrency),
    billing: shopifyBilling(admin),
  };
}
