// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, type IntrospectionQuery } from "graphql";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import type { Offer } from "@moments/engine";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { FACTS_QUERY } from "@moments/surfaces/checkout";
import { line, metafield, offers, payloadJson, settings } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

/**
 * Tag- and collection-triggered offers at checkout: the line API has no tags or collections, so
 * the block asks the Storefront API for them, once per product, only when an offer needs them.
 */
const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const heading = () => document.body.querySelector("s-heading")?.textContent;

const drillCase = offers.find((o) => o.id === "demo-drill-case")!;
const byTag: Offer = { ...drillCase, targeting: { tags: ["power-tools"] } };
const byCollection: Offer = { ...drillCase, targeting: { collections: ["gid://shopify/Collection/42"] } };

interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
  query: unknown;
}

describe("tag and collection triggers at checkout", () => {
  const ext = getExtension("purchase.checkout.block.render");
  const api = () => ext.shopify as unknown as MockApi;
  function cart(productKey: string, variantKey: string, offer: Offer) {
    const l = line(productKey, variantKey);
    api().lines.value = [l];
    api().cost.subtotalAmount.value = { amount: l.cost.totalAmount.amount, currencyCode: "EUR" };
    api().localization.currency.value = { isoCode: "EUR" };
    api().appMetafields.value = metafield(payloadJson([offer], settings));
    return l.merchandise.product!.id;
  }
  beforeEach(() => {
    ext.setUp();
    // A checkout token in the drill case experiment's variant arm (its hold-out shows nothing).
    api().checkoutToken.value = "tok-facts-1";
  });
  afterEach(async () => {
    await unmountTarget();
    // The impressions these renders queued go to a stub, not to the placeholder app URL.
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    ext.tearDown();
  });

  test("GIVEN the lines query WHEN validated against the Storefront API schema " + SHOPIFY_API_VERSION + " THEN it is valid", () => {
    const file = path.resolve(import.meta.dirname, `../../../node_modules/@shopify/dev-mcp/dist/data/storefront-graphql_${SHOPIFY_API_VERSION}.json.gz`);
    const json = JSON.parse(gunzipSync(readFileSync(file)).toString()) as { data?: IntrospectionQuery } & IntrospectionQuery;
    expect(validate(buildClientSchema(json.data ?? json), parse(FACTS_QUERY)).map((e) => e.message)).toEqual([]);
  });

  test("GIVEN an offer triggered by a tag the drill carries WHEN the block renders THEN the Storefront API is asked once and the offer shows", async () => {
    const productId = cart("drill", "drill", byTag);
    const query = vi.fn().mockResolvedValue({ data: { nodes: [{ id: productId, tags: ["power-tools"], collections: { nodes: [] } }] } });
    api().query = query;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(heading()).toBe("Keep it all together");
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0]![1]).toEqual({ variables: { ids: [productId] } });
  });

  test("GIVEN an offer triggered by a collection the product is in WHEN the block renders THEN the offer shows", async () => {
    const productId = cart("parka", "parka-s", byCollection);
    api().query = vi.fn().mockResolvedValue({ data: { nodes: [{ id: productId, tags: [], collections: { nodes: [{ id: "gid://shopify/Collection/42" }] } }] } });
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(heading()).toBe("Keep it all together");
  });

  test("GIVEN the Storefront API fails WHEN the block renders THEN the tag offer is not shown and nothing breaks", async () => {
    cart("headset", "headset-black", byTag);
    api().query = vi.fn().mockRejectedValue(new Error("access denied"));
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(heading()).toBeUndefined();
  });

  test("GIVEN no offer triggers on tags or collections WHEN the block renders THEN the Storefront API is never asked", async () => {
    cart("drill", "drill", drillCase);
    const query = vi.fn();
    api().query = query;
    await renderTarget(ext.shopify.extension.target);
    await flush();
    expect(heading()).toBe("Keep it all together");
    expect(query).not.toHaveBeenCalled();
  });
});
