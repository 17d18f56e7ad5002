/**
 * The Admin GraphQL documents of suggestions from the shop's orders (decision 029), typed by
 * `npm run graphql-codegen` like app/gateway/admin-documents.ts: the bulk operation that exports the
 * orders (its query is the miner's, `ordersBulkQuery` from @moments/autopilot, passed as a string),
 * its state, and the catalog facts ranking needs (gift card, sellable, price, vendor, tags,
 * collections).
 */

/** Starts the export; `groupObjects: false` (faster, fewer timeouts): the miner groups lines itself. */
export const ORDERS_BULK_RUN_MUTATION = `#graphql
  mutation MomentsOrdersBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

/** A bulk operation's state; `url` is the JSONL once COMPLETED (null when it matched nothing). */
export const BULK_OPERATION_QUERY = `#graphql
  query MomentsBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
    }
  }
`;

/**
 * The shop's active products with what ranking needs, paged by the cursor: a page of 45, whose
 * requested cost (2 + 45 x (1 + 2 + 5 + 2 + 10) + 1 = 903, tests/graphql.test.ts) is under the
 * 1,000 a query may cost; 50 a page cost 1,003 and Shopify would refuse the query.
 */
export const SUGGESTION_CATALOG_QUERY = `#graphql
  query MomentsSuggestionCatalog($after: String) {
    products(first: 45, after: $after, query: "status:active", sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        isGiftCard
        vendor
        tags
        collections(first: 5) { nodes { id } }
        variants(first: 10) { nodes { price availableForSale } }
      }
    }
  }
`;
