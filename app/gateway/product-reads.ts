/**
 * How much of a product one Admin read asks for, and so how many products one query may carry.
 * Shopify refuses a query whose requested cost is over 1,000 before running it (MAX_COST_EXCEEDED),
 * and the requested cost counts every connection at its `first`, nested ones multiplied: the
 * product fragment at its fullest (50 variants each with its selling plan, 50 collections) costs
 * 408, so a read of 100 products at once would never run. Each caller asks for what it uses;
 * tests/graphql.test.ts checks `productReadCost` against the schema's cost rules.
 */
export interface ProductReadSizes {
  /** Variants read per product (the first ones), 1 to 50. */
  variants: number;
  /** The product's first 50 collections (line facts and collection targeting need them). */
  collections: boolean;
  /** Each variant's first selling plan (plan upgrades, decision 027). */
  plans: boolean;
}

export const MAX_QUERY_COST = 1000;

/** Everything the offer editor's checks, previews and emails read of a product (408 points: 2 a query). */
export const FULL_PRODUCT: ProductReadSizes = { variants: 50, collections: true, plans: true };
/** A product's and its variants' titles (an offer's items named in its form): 56 points, 17 a query. */
export const TITLES_READ: ProductReadSizes = { variants: 50, collections: false, plans: false };
/** A product's title and image (a list of suggestions): 7 points, 142 a query. */
export const SUMMARY_READ: ProductReadSizes = { variants: 1, collections: false, plans: false };

/**
 * The requested cost of one product: the product 1, its image 3 (media, preview, image), its
 * collections connection 2 + 50, the variants connection 2 + 1 a variant, and a variant's selling
 * plan groups connection 2 + 1 x (group 1 + plans connection 2 + 1 plan) when plans are read.
 */
export const productReadCost = (s: ProductReadSizes): number =>
  1 + 3 + (s.collections ? 52 : 0) + 2 + s.variants * (1 + (s.plans ? 6 : 0));

/** How many products one by-id read may carry (a `nodes(ids:)` list costs its length times one). */
export const productsPerRead = (s: ProductReadSizes): number =>
  Math.max(1, Math.floor(MAX_QUERY_COST / productReadCost(s)));

/** The operation variables that size a read (the fragment's `@include`s and `first`). */
export const productReadVariables = (s: ProductReadSizes) => ({
  variants: s.variants,
  withCollections: s.collections,
  withPlans: s.plans,
});

/**
 * A search page of up to `limit` products (the products connection costs 2 + one product each):
 * no collections, no plans, and as many variants (up to 50) as the page's cost leaves room for.
 */
export function searchPage(limit: number): { first: number; sizes: ProductReadSizes } {
  const bare: ProductReadSizes = { variants: 1, collections: false, plans: false };
  const first = Math.max(1, Math.min(limit, Math.floor((MAX_QUERY_COST - 2) / productReadCost(bare))));
  const room = Math.floor((MAX_QUERY_COST - 2) / first) - productReadCost({ ...bare, variants: 0 });
  return { first, sizes: { ...bare, variants: Math.min(FULL_PRODUCT.variants, room) } };
}
