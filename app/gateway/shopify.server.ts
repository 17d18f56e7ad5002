import { decimalToMinor } from "~/lib/decimal";
import { GatewayError, OFFER_FUNCTION_INPUT_METAFIELD, type CatalogProduct, type ShopGateway } from "./types";

/** The slice of the library's admin client this adapter needs (easy to fake at the HTTP edge). */
export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export const PRODUCTS_QUERY = `#graphql
  query MomentsProducts($first: Int!, $query: String) {
    products(first: $first, query: $query, sortKey: TITLE) {
      nodes {
        id
        title
        handle
        vendor
        productType
        tags
        featuredMedia { preview { image { url } } }
        collections(first: 50) { nodes { id } }
        variants(first: 50) {
          nodes { id title sku price inventoryQuantity }
        }
      }
    }
  }
`;

export const PRODUCTS_BY_ID_QUERY = `#graphql
  query MomentsProductsById($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        title
        handle
        vendor
        productType
        tags
        featuredMedia { preview { image { url } } }
        collections(first: 50) { nodes { id } }
        variants(first: 50) {
          nodes { id title sku price inventoryQuantity }
        }
      }
    }
  }
`;

/** The offer editor's collection picker: the shop's collections by title. */
export const COLLECTIONS_QUERY = `#graphql
  query MomentsCollections($query: String) {
    collections(first: 100, query: $query, sortKey: TITLE) {
      nodes { id title }
    }
  }
`;

export const SHOP_QUERY = `#graphql
  query MomentsShop {
    shop { id name currencyCode plan { shopifyPlus } }
  }
`;

export const METAFIELDS_SET_MUTATION = `#graphql
  mutation MomentsPublish($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace updatedAt }
      userErrors { field message code }
    }
  }
`;

export const METAFIELD_QUERY = `#graphql
  query MomentsReadMetafield($key: String!) {
    shop { metafield(namespace: "$app", key: $key) { value } }
  }
`;

/** Follow-up email: a single-use code for one buyer on the offer's variants (usageLimit 1). */
export const DISCOUNT_CODE_CREATE_MUTATION = `#graphql
  mutation MomentsEmailDiscount($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode { id }
      userErrors { field message code }
    }
  }
`;

/** The title the merchant sees in Discounts; also how the app recognises its own discount. */
export const OFFER_DISCOUNT_TITLE = "Moments offer prices";
/** The Discount Function's handle (extensions/discount-function/shopify.extension.toml). */
export const OFFER_DISCOUNT_FUNCTION_HANDLE = "discount-function";

export const OFFER_DISCOUNTS_QUERY = `#graphql
  query MomentsOfferDiscounts {
    automaticDiscountNodes(first: 50, query: "type:app") {
      nodes {
        id
        automaticDiscount {
          ... on DiscountAutomaticApp { title status }
        }
      }
    }
  }
`;

export const OFFER_DISCOUNT_CREATE_MUTATION = `#graphql
  mutation MomentsOfferDiscountCreate($discount: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $discount) {
      automaticAppDiscount { discountId }
      userErrors { field message }
    }
  }
`;

/** The Discount Function's input query variables, on the discount node (the function owner). */
export const OFFER_DISCOUNT_INPUT_MUTATION = `#graphql
  mutation MomentsOfferDiscountInput($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace }
      userErrors { field message code }
    }
  }
`;

interface ProductNode {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
  collections: { nodes: Array<{ id: string }> };
  variants: { nodes: Array<{ id: string; title: string; sku: string | null; price: string; inventoryQuantity: number | null }> };
}

async function run<T>(admin: AdminGraphql, query: string, variables?: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await admin.graphql(query, variables ? { variables } : undefined);
  } catch (error) {
    throw new GatewayError("Shopify could not be reached. Try again in a moment.", error);
  }
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) {
    throw new GatewayError(`Shopify refused the request: ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`);
  }
  return body.data;
}

export function shopifyGateway(admin: AdminGraphql, shopCurrency: string): ShopGateway {
  const toCatalog = (p: ProductNode): CatalogProduct => ({
    id: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    tags: p.tags,
    collections: p.collections.nodes.map((c) => c.id),
    imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
    variants: p.variants.nodes.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku,
      prices: { [shopCurrency]: decimalToMinor(v.price, shopCurrency) },
      inventory: v.inventoryQuantity,
      sellingPlanId: null,
    })),
  });
  let shopGid: string | undefined;

  return {
    kind: "shopify",
    async searchProducts(query, limit = 25) {
      const data = await run<{ products: { nodes: ProductNode[] } }>(admin, PRODUCTS_QUERY, {
        first: limit,
        query: query.trim() || null,
      });
      return data.products.nodes.map(toCatalog);
    },
    async getProducts(ids) {
      if (ids.length === 0) return [];
      const data = await run<{ nodes: Array<ProductNode | null> }>(admin, PRODUCTS_BY_ID_QUERY, { ids });
      return data.nodes.filter((n): n is ProductNode => !!n && "variants" in n).map(toCatalog);
    },
    async listCollections(query = "") {
      const data = await run<{ collections: { nodes: Array<{ id: string; title: string }> } }>(
        admin,
        COLLECTIONS_QUERY,
        { query: query.trim() || null },
      );
      return data.collections.nodes.map((c) => ({ id: c.id, title: c.title }));
    },
    async publishMetafield(key, jsonValue, alongside = []) {
      shopGid ??= (await run<{ shop: { id: string } }>(admin, SHOP_QUERY)).shop.id;
      const ownerId = shopGid;
      // One metafieldsSet call: Shopify saves all of them or none (at most 25 per call).
      const data = await run<{
        metafieldsSet: {
          metafields: Array<{ key: string; updatedAt: string }> | null;
          userErrors: Array<{ message: string }>;
        };
      }>(admin, METAFIELDS_SET_MUTATION, {
        metafields: [
          { ownerId, namespace: "$app", key, type: "json", value: jsonValue },
          ...alongside.map((m) => ({ ownerId, namespace: "$app", key: m.key, type: m.type, value: m.value })),
        ],
      });
      const errors = data.metafieldsSet.userErrors;
      if (errors.length) throw new GatewayError(`Shopify did not save the offers: ${errors.map((e) => e.message).join("; ")}`);
      const saved = data.metafieldsSet.metafields ?? [];
      const updatedAt = (saved.find((m) => m.key === key) ?? saved[0])?.updatedAt;
      return { publishedAt: updatedAt ? new Date(updatedAt) : new Date() };
    },
    async ensureOfferDiscount(functionInput) {
      const existing = await run<{
        automaticDiscountNodes: {
          nodes: Array<{ id: string; automaticDiscount: { title?: string; status?: string } }>;
        };
      }>(admin, OFFER_DISCOUNTS_QUERY);
      let discountId = existing.automaticDiscountNodes.nodes.find(
        (n) => n.automaticDiscount.title === OFFER_DISCOUNT_TITLE,
      )?.id;
      if (!discountId) {
        const data = await run<{
          discountAutomaticAppCreate: {
            automaticAppDiscount: { discountId: string } | null;
            userErrors: Array<{ message: string }>;
          };
        }>(admin, OFFER_DISCOUNT_CREATE_MUTATION, {
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
        const errors = data.discountAutomaticAppCreate.userErrors;
        if (errors.length) throw new GatewayError(`Shopify did not create the discount that prices offers: ${errors.map((e) => e.message).join("; ")}`);
        discountId = data.discountAutomaticAppCreate.automaticAppDiscount?.discountId;
      }
      if (!functionInput) return;
      if (!discountId) throw new GatewayError("Shopify did not say which discount prices offers, so tag and collection offers cannot be priced.");
      const data = await run<{ metafieldsSet: { userErrors: Array<{ message: string }> } }>(
        admin,
        OFFER_DISCOUNT_INPUT_MUTATION,
        {
          metafields: [
            {
              ownerId: discountId,
              ...OFFER_FUNCTION_INPUT_METAFIELD,
              type: "json",
              value: JSON.stringify({ tags: functionInput.tags, collections: functionInput.collections }),
            },
          ],
        },
      );
      const errors = data.metafieldsSet.userErrors;
      if (errors.length) throw new GatewayError(`Shopify did not save the tags and collections that trigger offers: ${errors.map((e) => e.message).join("; ")}`);
    },
    async readMetafield(key) {
      const data = await run<{ shop: { metafield: { value: string } | null } }>(admin, METAFIELD_QUERY, { key });
      return data.shop.metafield?.value ?? null;
    },
    async createDiscountCode(input) {
      const data = await run<{
        discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: Array<{ field: string[] | null; message: string; code: string | null }> };
      }>(admin, DISCOUNT_CODE_CREATE_MUTATION, {
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
      const errors = data.discountCodeBasicCreate.userErrors;
      // A retry after a crash finds its own code already there: that is success, not a failure.
      if (errors.length && !errors.every((e) => e.code === "TAKEN" && (e.field ?? []).includes("code"))) {
        throw new GatewayError(`Shopify did not create the discount code: ${errors.map((e) => e.message).join("; ")}`);
      }
      return { code: input.code };
    },
  };
}
