/**
 * The shop's order history through Shopify's Admin API (decision 029): a bulk operation over orders
 * with the miner's query (`ordersBulkQuery`, @moments/autopilot), its state by id, and the JSONL it
 * produces streamed from its URL one line at a time (never held whole: a year of a large shop's
 * orders is hundreds of MB). Scopes: read_orders (the last 60 days of orders), read_all_orders
 * (older ones, when granted), read_products (the catalog facts).
 */
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ordersBulkQuery } from "@moments/autopilot";
import { decimalToMinor } from "~/lib/decimal";
import { payload, run, type AdminData, type AdminGraphql } from "./admin-client.server";
import { BULK_OPERATION_QUERY, ORDERS_BULK_RUN_MUTATION, SUGGESTION_CATALOG_QUERY } from "./order-history-documents";
import {
  GatewayError,
  GatewayRefusal,
  type OrderExportState,
  type OrderHistory,
  type SuggestionCatalogProduct,
} from "./types";

/** The orders search of the export: created on or after `since`'s UTC day. */
export const ordersSearch = (since: Date): string => `created_at:>=${since.toISOString().slice(0, 10)}`;

/** The JSONL at `url`, line by line, as the response body arrives. */
export async function* jsonlLines(url: string, fetchImpl: typeof fetch = fetch): AsyncGenerator<string> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new GatewayError("Shopify's export of the orders could not be downloaded. Try again in a moment.", error);
  }
  if (!response.ok || !response.body) {
    throw new GatewayError(`Shopify's export of the orders could not be downloaded (HTTP ${response.status}).`);
  }
  const input = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}

type BulkOperation = {
  id: string;
  status: string;
  errorCode?: string | null;
  url?: unknown;
};

function stateOf(op: BulkOperation, fetchImpl: typeof fetch): OrderExportState {
  switch (op.status) {
    case "CREATED":
    case "RUNNING":
      return { status: "running", operationId: op.id };
    case "COMPLETED": {
      // No url: the search matched no orders.
      const url = typeof op.url === "string" && op.url ? op.url : null;
      return {
        status: "completed",
        operationId: op.id,
        format: "bulk_jsonl",
        lines: url ? () => jsonlLines(url, fetchImpl) : async function* () {},
      };
    }
    default:
      return {
        status: "failed",
        operationId: op.id,
        error: `Shopify's export of the orders ended ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}.`,
      };
  }
}

export function shopifyOrderHistory(
  admin: AdminGraphql,
  shopCurrency: string,
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): OrderHistory {
  return {
    async start(since) {
      const data = await run(admin, ORDERS_BULK_RUN_MUTATION, { query: ordersBulkQuery(ordersSearch(since)) });
      const result = payload(data.bulkOperationRunQuery);
      if (result.userErrors.length || !result.bulkOperation) {
        throw new GatewayRefusal(
          `Shopify did not start the export of the orders: ${result.userErrors.map((e) => e.message).join("; ") || "no operation"}`,
        );
      }
      return stateOf(result.bulkOperation, fetchImpl);
    },
    async check(operationId) {
      const { bulkOperation } = await run(admin, BULK_OPERATION_QUERY, { id: operationId });
      if (!bulkOperation) return { status: "failed", operationId, error: "Shopify no longer knows the export." };
      return stateOf(bulkOperation, fetchImpl);
    },
    async catalog(limit) {
      const out: SuggestionCatalogProduct[] = [];
      let after: string | null = null;
      while (out.length < limit) {
        const data: AdminData<typeof SUGGESTION_CATALOG_QUERY> = await run(admin, SUGGESTION_CATALOG_QUERY, { after });
        for (const p of data.products.nodes) {
          const variants = p.variants.nodes;
          const sellable = variants.find((v) => v.availableForSale) ?? variants[0];
          out.push({
            id: p.id,
            price: sellable ? decimalToMinor(String(sellable.price), shopCurrency) : 0,
            giftCard: p.isGiftCard,
            inStock: variants.some((v) => v.availableForSale),
            vendor: p.vendor,
            tags: p.tags,
            collections: p.collections.nodes.map((c) => c.id),
          });
        }
        const page = data.products.pageInfo;
        if (!page.hasNextPage || !page.endCursor) break;
        after = page.endCursor;
      }
      return out.slice(0, limit);
    },
  };
}
