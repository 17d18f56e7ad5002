import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  coerceInputValue,
  execute,
  parse,
  validate,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

let schema: GraphQLSchema | undefined;

/** The Discount Function API 2026-07 schema as Shopify ships it in @shopify/dev-mcp. */
export function discountSchema(): GraphQLSchema {
  if (schema) return schema;
  // The package's "exports" hide its data folder from require.resolve: read it by path.
  const file = path.resolve(
    import.meta.dirname,
    "../../../../node_modules/@shopify/dev-mcp/dist/data/functions_discount_2026-07.json.gz",
  );
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as {
    data?: IntrospectionQuery;
  } & IntrospectionQuery;
  schema = buildClientSchema(json.data ?? json);
  return schema;
}

export const INPUT_QUERY = readFileSync(
  new URL("../../src/cart_lines_discounts_generate_run.graphql", import.meta.url),
  "utf8",
);

export function validateQuery(source: string): string[] {
  return validate(discountSchema(), parse(source)).map((e) => e.message);
}

/**
 * Checks that a fixture is exactly what the input query can return: executes the query against
 * the schema with the fixture as the root value (default resolvers read its fields, aliases
 * included) and compares. Non-null, enum, union and unknown-field mistakes all show up.
 */
export async function fixtureErrors(
  fixture: unknown,
  variables?: { tags: string[]; collections: string[] },
): Promise<string[]> {
  const doc = parse(INPUT_QUERY);
  const root = withAliasesResolved(fixture);
  const r = await execute({ schema: discountSchema(), document: doc, rootValue: root, variableValues: variables });
  const errors = (r.errors ?? []).map((e) => `${e.path?.join(".")}: ${e.message}`);
  if (!errors.length && JSON.stringify(r.data) !== JSON.stringify(fixture))
    errors.push("fixture has fields the query does not select");
  return errors;
}

/**
 * Default resolvers read `attribute`, not the alias: map aliased fixture fields back to a resolver.
 * `hasTags` and `inCollections` are read as given (the variables only decide what was asked).
 */
function withAliasesResolved(fixture: unknown): unknown {
  const f = structuredClone(fixture) as {
    cart?: { lines?: Array<Record<string, unknown>> };
    shop?: Record<string, unknown>;
  };
  for (const line of f.cart?.lines ?? []) {
    const byKey: Record<string, unknown> = {
      _moments_offer: line.offer,
      _moments_variant: line.arm,
      _moments_moment: line.moment,
      _moments_token: line.token,
    };
    line.attribute = (args: { key: string }) => byKey[args.key] ?? null;
  }
  if (f.shop) {
    // fn0..fn3 alias the `$app` metafields fn-0..fn-3 (the function payload's shards).
    const shop = f.shop;
    f.shop.metafield = (args: { namespace: string; key: string }) => {
      const shard = /^fn-(\d)$/.exec(args.key);
      return args.namespace === "$app" && shard ? (shop[`fn${shard[1]}`] ?? null) : null;
    };
  }
  return f;
}

/** Checks a function result against the output input-object type of the API. */
export function outputErrors(result: unknown): string[] {
  const type = discountSchema().getType("CartLinesDiscountsGenerateRunResult") as GraphQLInputType;
  const errors: string[] = [];
  coerceInputValue(result, type, (path, _value, error) => errors.push(`${path.join(".")}: ${error.message}`));
  return errors;
}
