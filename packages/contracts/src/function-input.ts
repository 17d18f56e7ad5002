/**
 * The Discount Function's input (the shape its input query returns) and output, named from the
 * types `npm run graphql-codegen` generates from the Discount API 2026-07 schema and the input
 * query (extensions/discount-function/src/cart_lines_discounts_generate_run.graphql) into
 * ./generated/ (.graphqlrc.ts, project discountFunction). Types only: nothing here reaches a bundle.
 * extensions/discount-function/test/codegen.test.ts fails when the generated files are stale, and
 * extensions/discount-function/test/schema.test.ts checks every fixture and output against the schema.
 */
import type { CartLinesDiscountsGenerateRunInputQuery } from "./generated/discount-function.input";
import type * as Api from "./generated/discount-function.output";

type Answer = CartLinesDiscountsGenerateRunInputQuery;
type AnswerLine = Answer["cart"]["lines"][number];

/**
 * An amount (a Decimal string, e.g. "12.90") and its currency code. The code is any string, not the
 * schema's CurrencyCode enum: the function only passes it on, Shopify adds currencies, and callers
 * (the demo journey, fixtures) build inputs from the currency strings they have.
 */
export type Money = Omit<AnswerLine["cost"]["amountPerQuantity"], "currencyCode"> & { currencyCode: string };
/** A line attribute the input query asks for by key (offer, arm, moment, token). */
export type Attr = NonNullable<AnswerLine["offer"]>;
/** One cart line as the input query returns it (amounts as Money). */
export type InputLine = Omit<AnswerLine, "cost"> & { cost: Record<keyof AnswerLine["cost"], Money> };
/** What the input query returns (amounts as Money). */
export type RunInput = Omit<Answer, "cart"> & {
  cart: Omit<Answer["cart"], "cost" | "lines"> & {
    cost: Record<keyof Answer["cart"]["cost"], Money>;
    lines: InputLine[];
  };
};
/** Fails to compile when an answer of the input query is not a RunInput. */
type _AnswerIsRunInput = Holds<Answer extends RunInput ? true : false>;
type Holds<T extends true> = T;

/** The input query's aliases for the shard metafields, in order (SHARD_KEYS in function-shards.ts). */
export const SHARD_ALIASES = ["fn0", "fn1", "fn2", "fn3"] as const;
export type ShardAlias = (typeof SHARD_ALIASES)[number];
/** Fails to compile when the input query stops selecting one of SHARD_ALIASES on `shop`. */
type _ShardsSelected = Pick<RunInput["shop"], ShardAlias>;

/**
 * `T` with fields `K` always present: the function sets these fields of the schema's input objects
 * (optional there, as one operation, target or value kind among several) on everything it returns.
 */
type Given<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

/** A product discount as the function writes one: on cart lines, a fixed amount. */
export type ProductDiscountCandidate = Omit<Api.ProductDiscountCandidate, "targets" | "value"> & {
  targets: Array<Given<Api.ProductDiscountCandidateTarget, "cartLine">>;
  value: Given<Api.ProductDiscountCandidateValue, "fixedAmount">;
};
/** The run target's output (CartLinesDiscountsGenerateRunResult) as the function writes it: product discounts. */
export type RunResult = Omit<Api.CartLinesDiscountsGenerateRunResult, "operations"> & {
  operations: Array<
    Omit<Api.CartOperation, "productDiscountsAdd"> & {
      productDiscountsAdd: Omit<Api.ProductDiscountsAddOperation, "candidates"> & {
        candidates: ProductDiscountCandidate[];
      };
    }
  >;
};
/** Fails to compile when RunResult is not a CartLinesDiscountsGenerateRunResult. */
type _RunResultFitsTheSchema = Holds<RunResult extends Api.CartLinesDiscountsGenerateRunResult ? true : false>;
