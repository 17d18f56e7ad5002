/**
 * Publish payload: the JSON in the app-owned `$app` metafield the extensions read, written by
 * `encodePayload` (payload.ts) and read by `decodePayload` (decode.ts).
 *
 * Wire format v2: { v: 2, publishedAt, settings, c: [currencies], s: [shared values], o: [offers],
 *   p?: [complements] } (`p`: the dynamic offers' complement table, decision 034, shrunk as offers are)
 *  - an offer is a row [id, type, moments, priority, items, copy, {other fields}?] and an item a
 *    row [productId, variantId, ...prices aligned with c, quantity?, sellingPlanId?];
 *  - other keys are shortened to one letter (table LONG/SHORT below); record keys (currency
 *    codes, locales) are data and kept;
 *  - per-currency amounts (`prices`, `amounts`) become arrays aligned with `c` (null = no price);
 *  - Shopify GIDs under id keys (`productId`, `variantId`, `products`, ...) are written as their
 *    digits (the key says the GID type; a string, so decoding only concatenates; JSON numbers
 *    from older payloads are read too) and restored as GIDs; other ids stay strings, marked with
 *    a leading "=" when they start with a digit or "=";
 *  - every value (string, object or array) that repeats is stored once in `s` and referenced as
 *    "^<base36 index>"; a literal string starting with "^" is escaped as "^^...";
 *  - only active offers that have not ended at publish time are published (the admin explains
 *    the others from the database); `status` (always "active") and `quantity: 1` are left out.
 * decodePayload() expands the wire form back to the model and validates it against the same spec
 * as the admin's zod schema, in one pass, so errors carry model paths such as
 * `offers[3].discount.percent`.
 */
/** The wire version `encodePayload` writes; `decodePayload` also reads version 1. */
export const WIRE_VERSION = 2;

export const LONG =
  "id status type moments priority startsAt endsAt items productId variantId quantity prices sellingPlanId discount kind percent amounts pricing of copy title body cta decline design targeting products collections tags vendors subtotal min max devices countries markets currencies languages buyer customerTags excludeCustomerTags experiment holdoutBps variants weight version image downsell".split(
    " ",
  );
export const SHORT = "abcdefghijklmnopqrstuwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Wire key -> model key. */
export const toLong: Record<string, string> = Object.fromEntries(LONG.map((k, i) => [SHORT[i], k]));
/** Model key -> wire key. */
export const toShort: Record<string, string> = Object.fromEntries(LONG.map((k, i) => [k, SHORT[i]!]));
/** Id-valued keys and the Shopify GID type of their values. */
export const GID_TYPE: Record<string, string> = {
  productId: "Product",
  variantId: "ProductVariant",
  sellingPlanId: "SellingPlan",
  products: "Product",
  collections: "Collection",
  markets: "Market",
};
export const MONEY_KEYS = new Set(["prices", "amounts"]);
export const GID = /^gid:\/\/shopify\/(\w+)\/([1-9]\d{0,14})$/;

export type Obj = Record<string, unknown>;
