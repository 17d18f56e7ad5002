/**
 * The Discount Function's input (the shape its input query returns) and output, written by hand
 * from the Discount API 2026-07 schema; extensions/discount-function/test/schema.test.ts checks the
 * query, every fixture and every output against that schema, so these types cannot drift from it
 * unnoticed.
 */
export interface Money {
  amount: string;
  currencyCode: string;
}
export interface Attr {
  value: string | null;
}
export interface InputLine {
  id: string;
  quantity: number;
  cost: { amountPerQuantity: Money; subtotalAmount: Money };
  offer: Attr | null;
  arm: Attr | null;
  moment: Attr | null;
  token: Attr | null;
  sellingPlanAllocation: { sellingPlan: { id: string } } | null;
  merchandise:
    | {
        __typename: "ProductVariant";
        id: string;
        product: {
          id: string;
          vendor: string | null;
          productType: string | null;
          /** One answer per tag the publisher asked about (input query variable $tags). */
          hasTags: Array<{ tag: string; hasTag: boolean }>;
          /** One answer per collection id the publisher asked about ($collections). */
          inCollections: Array<{ collectionId: string; isMember: boolean }>;
        };
      }
    | { __typename: "CustomProduct" };
}
/** The input query's aliases for the shard metafields, in order (SHARD_KEYS in function-shards.ts). */
export const SHARD_ALIASES = ["fn0", "fn1", "fn2", "fn3"] as const;
export type ShardAlias = (typeof SHARD_ALIASES)[number];
export interface RunInput {
  cart: { cost: { subtotalAmount: Money }; lines: InputLine[] };
  discount: { discountClasses: Array<"PRODUCT" | "ORDER" | "SHIPPING"> };
  /** fn0..fn3: the `$app` metafields `fn-0`..`fn-3`, the function's payload in shards (function-shards.ts). */
  shop: { localTime: { date: string } } & Record<ShardAlias, { value: string } | null>;
}

export interface ProductDiscountCandidate {
  targets: Array<{ cartLine: { id: string; quantity?: number } }>;
  value: { fixedAmount: { amount: string; appliesToEachItem?: boolean } };
  message?: string;
}
export interface RunResult {
  operations: Array<{
    productDiscountsAdd: { selectionStrategy: "FIRST" | "MAXIMUM" | "ALL"; candidates: ProductDiscountCandidate[] };
  }>;
}
