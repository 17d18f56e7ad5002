/**
 * Every Admin GraphQL document the app sends, with the fragments they share. Each is a #graphql
 * literal (`as const` where a fragment is interpolated, so its type stays the literal string):
 * `npm run graphql-codegen` keys the operation's result and variables types by that string in
 * app/graphql/admin.generated.d.ts, and `admin.graphql(DOCUMENT, { variables })` is typed by them.
 * (They live here, not under app/graphql/, which .graphqlrc.ts keeps out of codegen's documents.)
 * A fragment is interpolated after the operation that spreads it, as codegen's pluck expects.
 */

/**
 * A product as the offer editor and the catalog read it: one list for search and by-id reads. A
 * variant's first selling plan is what a subscription / plan upgrade sells it on (decision 027).
 * The operation's variables size it (product-reads.ts): at its fullest one product costs 408 of
 * the 1,000 a query may.
 */
export const PRODUCT_FIELDS_FRAGMENT = `#graphql
  fragment MomentsProductFields on Product {
    id
    title
    status
    handle
    vendor
    productType
    tags
    featuredMedia { preview { image { url } } }
    collections(first: 50) @include(if: $withCollections) { nodes { id } }
    variants(first: $variants) {
      nodes {
        id title sku price inventoryQuantity
        sellingPlanGroups(first: 1) @include(if: $withPlans) { nodes { sellingPlans(first: 1) { nodes { id } } } }
      }
    }
  }
`;

/** What a metafieldsSet call refused, per metafield. */
export const METAFIELDS_SET_ERRORS_FRAGMENT = `#graphql
  fragment MomentsMetafieldsSetErrors on MetafieldsSetUserError {
    field
    message
    code
  }
`;

export const PRODUCTS_QUERY = `#graphql
  query MomentsProducts($first: Int!, $query: String, $variants: Int!, $withCollections: Boolean!, $withPlans: Boolean!) {
    products(first: $first, query: $query, sortKey: TITLE) {
      nodes { ...MomentsProductFields }
    }
  }
  ${PRODUCT_FIELDS_FRAGMENT}
` as const;

export const PRODUCTS_BY_ID_QUERY = `#graphql
  query MomentsProductsById($ids: [ID!]!, $variants: Int!, $withCollections: Boolean!, $withPlans: Boolean!) {
    nodes(ids: $ids) {
      ... on Product { ...MomentsProductFields }
    }
  }
  ${PRODUCT_FIELDS_FRAGMENT}
` as const;

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

/** The shop owner's email (`Shop.email`, non-null in the schema): where the guardrail's notices go (decision 031). */
export const SHOP_EMAIL_QUERY = `#graphql
  query MomentsShopEmail {
    shop { email }
  }
`;

export const METAFIELDS_SET_MUTATION = `#graphql
  mutation MomentsPublish($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace updatedAt }
      userErrors { ...MomentsMetafieldsSetErrors }
    }
  }
  ${METAFIELDS_SET_ERRORS_FRAGMENT}
` as const;

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
      userErrors { ...MomentsMetafieldsSetErrors }
    }
  }
  ${METAFIELDS_SET_ERRORS_FRAGMENT}
` as const;

// ---- Thank-you offers added to the paid order (decision 026; scopes read_orders, write_order_edits).

/** The order the thank-you page names, as the server re-decides its offer and checks the caller. */
export const ORDER_FOR_EDIT_QUERY = `#graphql
  query MomentsOrderForEdit($id: ID!) {
    order(id: $id) {
      id
      createdAt
      cancelledAt
      test
      checkoutToken
      customerLocale
      presentmentCurrencyCode
      merchantEditable
      merchantEditableErrors
      customAttributes { key value }
      customer { id }
      shippingAddress { countryCodeV2 }
      billingAddress { countryCodeV2 }
      subtotalPriceSet { presentmentMoney { amount currencyCode } }
      lineItems(first: 100) {
        nodes {
          quantity
          product { id }
          variant { id }
          discountedTotalSet { presentmentMoney { amount currencyCode } }
        }
      }
    }
  }
`;

export const ORDER_EDIT_BEGIN_MUTATION = `#graphql
  mutation MomentsOrderEditBegin($id: ID!) {
    orderEditBegin(id: $id) {
      calculatedOrder { id }
      userErrors { field message }
    }
  }
`;

/** A new line for the offer's variant at Shopify's price for the order (contextual pricing). */
export const ORDER_EDIT_ADD_VARIANT_MUTATION = `#graphql
  mutation MomentsOrderEditAddVariant($id: ID!, $variantId: ID!, $quantity: Int!) {
    orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: true) {
      calculatedLineItem {
        id
        quantity
        originalUnitPriceSet { presentmentMoney { amount currencyCode } }
      }
      userErrors { field message }
    }
  }
`;

/** The offer's discount on the added line, read back before anything is committed. */
export const ORDER_EDIT_LINE_DISCOUNT_MUTATION = `#graphql
  mutation MomentsOrderEditLineDiscount($id: ID!, $lineItemId: ID!, $discount: OrderEditAppliedDiscountInput!) {
    orderEditAddLineItemDiscount(id: $id, lineItemId: $lineItemId, discount: $discount) {
      calculatedLineItem {
        id
        quantity
        discountedUnitPriceSet { presentmentMoney { amount currencyCode } }
      }
      userErrors { field message }
    }
  }
`;

export const ORDER_EDIT_COMMIT_MUTATION = `#graphql
  mutation MomentsOrderEditCommit($id: ID!, $notifyCustomer: Boolean, $staffNote: String) {
    orderEditCommit(id: $id, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
      order {
        id
        totalOutstandingSet { presentmentMoney { amount currencyCode } }
      }
      userErrors { field message }
    }
  }
`;

/** Shopify's invoice email for the order's outstanding balance, with the link where the buyer pays. */
export const ORDER_INVOICE_SEND_MUTATION = `#graphql
  mutation MomentsOrderInvoiceSend($id: ID!) {
    orderInvoiceSend(id: $id) {
      order { id }
      userErrors { field message code }
    }
  }
`;
