import type {
  AdminOperations,
  ApiClientRequestOptions,
  FetchResponseBody,
  ResponseWithType,
  ReturnData,
} from "@shopify/admin-api-client";
import { GatewayError, GatewayRefusal } from "./types";

/**
 * The documents codegen generated types for (app/graphql/admin.generated.d.ts): the keys of
 * AdminOperations without its catch-all index signatures, so a string codegen has not seen (a
 * document built at run time, or one changed without `npm run graphql-codegen`) fails tsc.
 */
export type AdminDocument = keyof {
  [
    K in keyof AdminOperations as string extends K ? never : number extends K ? never : symbol extends K ? never : K
  ]: true;
};
/** A document's result (`data`), as generated. */
export type AdminData<D extends AdminDocument> = ReturnData<D, AdminOperations>;
/** A document's variables, as the library types them from the generated ones. */
export type AdminVariables<D extends AdminDocument> = ApiClientRequestOptions<D, AdminOperations>["variables"];

/** A document's response: `json()` is `{ data }` typed by the generated result. */
export type AdminResponse<D extends AdminDocument> = ResponseWithType<
  FetchResponseBody<ReturnData<D, AdminOperations>>
>;

/**
 * The slice of the library's admin client (`admin.graphql`) this adapter needs, easy to fake at the
 * HTTP edge: a generated document, its variables and its answer typed by AdminQueries/AdminMutations.
 */
export interface AdminGraphql {
  graphql<D extends AdminDocument>(query: D, options?: { variables?: AdminVariables<D> }): Promise<AdminResponse<D>>;
}

/** The messages of a GraphQL error response (`errors: [{ message }]`), if it is one. */
function errorMessages(body: object): unknown[] | undefined {
  if (!("errors" in body) || !Array.isArray(body.errors)) return undefined;
  return body.errors.map((e: unknown) =>
    typeof e === "object" && e !== null && "message" in e ? e.message : undefined,
  );
}

/** shopify-api's GraphqlQueryError (errors in a 200 answer) or an HttpResponseError with a 4xx code. */
function refusedByShopify(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // shopify-api's errors keep Error's `name`: the class tells them apart.
  if (error.constructor.name === "GraphqlQueryError") return true;
  const code = (error as { response?: { code?: unknown } }).response?.code;
  return typeof code === "number" && code >= 400 && code < 500;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/** A document's variables argument: none for a document without variables, required otherwise. */
type VariablesArgument<D extends AdminDocument> =
  AdminOperations[D]["variables"] extends Record<string, never> ? [] : [variables: NonNullable<AdminVariables<D>>];

/** How many times a query Shopify answered THROTTLED is sent in all. */
export const THROTTLED_TRIES = 4;

/**
 * How long to wait before sending again a query Shopify refused as THROTTLED (its cost was more
 * than the rate-limit bucket held), or null when the answer was anything else. The answer's
 * throttle status says how many points are missing and how fast they come back; a query split
 * by cost (product-reads.ts) asks for nearly 1,000 each time, so the next one often waits.
 * `answer` is a GraphQL body (`errors: [...]`) or the library's GraphqlQueryError (`body.errors.graphQLErrors`).
 */
export function throttledWaitMs(answer: unknown): number | null {
  const a = answer as {
    errors?: unknown;
    extensions?: ThrottleExtensions;
    body?: { errors?: { graphQLErrors?: unknown }; extensions?: ThrottleExtensions };
  } | null;
  const errors = Array.isArray(a?.errors) ? a.errors : a?.body?.errors?.graphQLErrors;
  const throttled =
    Array.isArray(errors) &&
    errors.some((e: { extensions?: { code?: unknown } } | null) => e?.extensions?.code === "THROTTLED");
  if (!throttled) return null;
  const cost = (a?.extensions ?? a?.body?.extensions)?.cost;
  const missing = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
  const rate = cost?.throttleStatus?.restoreRate ?? 0;
  const ms = rate > 0 && missing > 0 ? (missing / rate) * 1000 : 1000;
  return Math.min(5000, Math.max(250, Math.ceil(ms)));
}
type ThrottleExtensions = {
  cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable?: number; restoreRate?: number } };
};

export async function run<D extends AdminDocument>(
  admin: AdminGraphql,
  query: D,
  ...[variables]: VariablesArgument<D>
): Promise<AdminData<D>> {
  for (let attempt = 1; ; attempt++) {
    let response: AdminResponse<D> | undefined;
    let thrown: unknown;
    try {
      response = await admin.graphql(query, variables ? { variables } : undefined);
    } catch (error) {
      thrown = error;
    }
    // THROTTLED comes as a thrown GraphqlQueryError from the library, or as a body: either waits.
    const body = response ? await response.json() : undefined;
    const wait = attempt < THROTTLED_TRIES ? throttledWaitMs(response ? body : thrown) : null;
    if (wait !== null) {
      await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    if (!response) {
      // The library throws what the response said too: GraphQL errors (status 200) and 4xx answers
      // are Shopify's refusal, which changed nothing; anything else may not have reached Shopify.
      if (refusedByShopify(thrown))
        throw new GatewayRefusal(`Shopify refused the request: ${errorText(thrown)}`, thrown);
      throw new GatewayError("Shopify could not be reached. Try again in a moment.", thrown);
    }
    const errors = errorMessages(body!);
    if (errors?.length || !body!.data) {
      throw new GatewayRefusal(`Shopify refused the request: ${errors?.join("; ") ?? "no data"}`);
    }
    return body!.data;
  }
}

/** A mutation's payload, which the schema lets be null (Shopify then answers with errors, above). */
export function payload<P>(p: P | null | undefined): P {
  if (p == null) throw new GatewayRefusal("Shopify refused the request: no data");
  return p;
}
