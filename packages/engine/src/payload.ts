import { payloadSpec, type Offer, type Payload, type Settings } from "./model";
import { validate, type Issue } from "./v";

/**
 * Publish payload: the JSON in the app-owned `$app` metafield the extensions read.
 *
 * Wire format v1: { v: 1, publishedAt, settings, c: [currencies], s: [shared values], o: [offers] }
 *  - an offer is a row [id, type, moments, priority, items, copy, {other fields}?] and an item a
 *    row [productId, variantId, ...prices aligned with c, quantity?, sellingPlanId?];
 *  - other keys are shortened to one letter (table LONG/SHORT below); record keys (currency
 *    codes, locales) are data and kept;
 *  - per-currency amounts (`prices`, `amounts`) become arrays aligned with `c` (null = no price);
 *  - Shopify GIDs under id keys (`productId`, `variantId`, `products`, ...) are written as JSON
 *    numbers (the key says the GID type) and restored as GIDs; other ids stay strings;
 *  - every value (string, object or array) that repeats is stored once in `s` and referenced as
 *    "^<base36 index>"; a literal string starting with "^" is escaped as "^^...";
 *  - only active offers that have not ended at publish time are published (the admin explains
 *    the others from the database); `status` (always "active") and `quantity: 1` are left out.
 * decodePayload() expands the wire form back to the model and validates it against the same spec
 * as the admin's zod schema, so errors carry model paths such as `offers[3].discount.percent`.
 */
export type DecodeResult = { ok: true; payload: Payload } | { ok: false; error: Issue };

const LONG =
  "id status type moments priority startsAt endsAt items productId variantId quantity prices sellingPlanId discount kind percent amounts pricing of copy title body cta decline design targeting products collections tags vendors subtotal min max devices countries markets currencies languages buyer customerTags excludeCustomerTags experiment holdoutBps variants weight version".split(
    " ",
  );
const SHORT = "abcdefghijklmnopqrstuwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Wire key -> model key, for decoding (the encoder builds the reverse table itself). */
const toLong: Record<string, string> = Object.fromEntries(LONG.map((k, i) => [SHORT[i], k]));
/** Id-valued keys and the Shopify GID type of their values. */
const GID_TYPE: Record<string, string> = {
  productId: "Product",
  variantId: "ProductVariant",
  sellingPlanId: "SellingPlan",
  products: "Product",
  collections: "Collection",
  markets: "Market",
};
const MONEY_KEYS = new Set(["prices", "amounts"]);
const GID = /^gid:\/\/shopify\/(\w+)\/([1-9]\d{0,14})$/;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export function encodePayload(offers: readonly Offer[], settings: Settings, publishedAt: number): string {
  const live = offers.filter((o) => o.status === "active" && !(o.endsAt !== undefined && o.endsAt <= publishedAt));
  const toShort: Record<string, string> = Object.fromEntries(LONG.map((k, i) => [k, SHORT[i]!]));
  const c: string[] = [];
  const shrink = (x: unknown, key: string): unknown => {
    if (typeof x === "string") {
      // A GID of the key's type travels as its number; anything else stays a string.
      const m = GID_TYPE[key] ? GID.exec(x) : null;
      return m && m[1] === GID_TYPE[key] ? Number(m[2]) : x;
    }
    if (Array.isArray(x)) return x.map((e) => shrink(e, key));
    if (!isObj(x)) return x;
    if (MONEY_KEYS.has(key)) {
      for (const cur in x) if (!c.includes(cur)) c.push(cur);
      return c.map((cur) => (x[cur] === undefined ? null : x[cur]));
    }
    const out: Obj = {};
    for (const k in x) {
      // Defaults left out of the wire: status "active" (the only status published), quantity 1.
      if (x[k] === undefined || (k === "status" && key === "") || (k === "quantity" && key === "items" && x[k] === 1))
        continue;
      out[toShort[k] || k] = shrink(x[k], k);
    }
    return out;
  };
  const o = live.map((x) => shrink(x, "")) as Obj[];
  // Money arrays written before a currency was first seen are shorter: pad them.
  const pad = (x: unknown, key: string): void => {
    if (Array.isArray(x)) {
      if (MONEY_KEYS.has(key)) while (x.length < c.length) x.push(null);
      else for (const e of x) pad(e, key);
    } else if (isObj(x)) for (const k in x) pad(x[k], toLong[k] || k);
  };
  o.forEach((x) => pad(x, ""));
  // Positional form: offer = [id, type, moments, priority, items, copy, {other fields}?],
  // item = [productId, variantId, ...prices aligned with c, quantity?, sellingPlanId?].
  const rows = o.map((x) => {
    const { a, c: type, d, e, h, t, ...rest } = x;
    const items = (h as Obj[]).map(({ i, j, k, l, m }) => {
      const row = [i, j, ...(l as unknown[])];
      if (k !== undefined || m !== undefined) row.push(k === undefined ? 1 : k);
      if (m !== undefined) row.push(m);
      return row;
    });
    const row = [a, type, d, e, items, t];
    if (Object.keys(rest).length) row.push(rest);
    return row;
  });
  // Intern repeated values below the offer level (strings, objects, arrays). Counted twice: the
  // second pass counts only occurrences still emitted once the first pass's picks are references.
  const key = (x: unknown) =>
    typeof x === "number" || typeof x === "boolean" || x === null ? undefined : JSON.stringify(x);
  const pickShared = (chosen: Set<string> | undefined) => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    const count = (x: unknown) => {
      const j = key(x);
      if (j === undefined) return;
      counts.set(j, (counts.get(j) || 0) + 1);
      if (chosen && chosen.has(j)) {
        if (seen.has(j)) return;
        seen.add(j);
      }
      if (Array.isArray(x)) x.forEach(count);
      else if (isObj(x)) Object.values(x).forEach(count);
    };
    rows.forEach((x) => x.forEach(count));
    return new Map([...counts].filter(([j, n]) => n > 1 && (n - 1) * j.length > n * 5 + 1));
  };
  const chosen = pickShared(new Set(pickShared(undefined).keys()));
  // Most used first, so they get the shortest references.
  const index = new Map([...chosen].sort((a, b) => b[1] - a[1]).map(([j], i) => [j, i] as const));
  const s: unknown[] = new Array(index.size).fill(null);
  const filled = new Set<number>();
  const intern = (x: unknown, top = false): unknown => {
    const j = key(x);
    if (j === undefined) return x;
    const i = top ? undefined : index.get(j);
    if (i !== undefined) {
      if (!filled.has(i)) {
        filled.add(i);
        s[i] = intern(x, true);
      }
      return "^" + i.toString(36);
    }
    if (typeof x === "string") return x[0] === "^" ? "^" + x : x;
    if (Array.isArray(x)) return x.map((e) => intern(e));
    const out: Obj = {};
    for (const k in x as Obj) out[k] = intern((x as Obj)[k]);
    return out;
  };
  return JSON.stringify({
    v: 1,
    publishedAt,
    settings,
    c,
    o: rows.map((x) => intern(x, true)),
    s,
  });
}

export function decodePayload(input: unknown): DecodeResult {
  const fail = (path: string, message: string): DecodeResult => ({ ok: false, error: { path, message } });
  let w = input;
  if (typeof input === "string") {
    try {
      w = JSON.parse(input);
    } catch {
      return fail("", "invalid JSON");
    }
  }
  if (!isObj(w)) return fail("", "expected object");
  if (w.v !== 1) return fail("v", "unsupported version");
  const c = w.c === undefined || w.c === null ? [] : w.c;
  const s = w.s === undefined || w.s === null ? [] : w.s;
  if (!Array.isArray(c)) return fail("c", "expected currency table");
  if (!Array.isArray(s)) return fail("s", "expected shared values");
  let depth = 0;
  const deref = (x: unknown): unknown => {
    for (let d = 0; typeof x === "string" && x[0] === "^" && x[1] !== "^" && d < 8; d++)
      x = s[parseInt(x.slice(1), 36)];
    return x;
  };
  const grow = (x: unknown, key: string): unknown => {
    if (typeof x === "string" && x[0] === "^") {
      if (x[1] === "^") return x.slice(1);
      if (depth > 8) return undefined; // a reference cycle: leave it to validation
      depth++;
      const r = grow(s[parseInt(x.slice(1), 36)], key);
      depth--;
      return r;
    }
    if (typeof x === "number" && GID_TYPE[key]) return `gid://shopify/${GID_TYPE[key]}/${x}`;
    if (Array.isArray(x)) {
      if (!MONEY_KEYS.has(key)) return x.map((e) => grow(e, key));
      const rec: Obj = {};
      x.forEach((v, i) => v !== null && (rec[String(c[i])] = v));
      return rec;
    }
    if (!isObj(x)) return x;
    const out: Obj = {};
    for (const k in x) {
      const long = toLong[k] || k;
      out[long] = grow(x[k], long);
    }
    return out;
  };
  const n = c.length;
  const item = (x: unknown): unknown =>
    Array.isArray(x) ? { i: x[0], j: x[1], l: x.slice(2, 2 + n), k: x[2 + n], m: x[3 + n] } : x;
  const offer = (x: unknown): unknown => {
    if (!Array.isArray(x)) return x;
    const rest = deref(x[6]);
    const items = deref(x[4]);
    // Object.assign rather than a spread: extension bundles target ES2015, where `{ ...rest, a }`
    // pulls in two helpers.
    return Object.assign({}, isObj(rest) ? rest : {}, {
      a: x[0],
      c: x[1],
      d: x[2],
      e: x[3],
      h: Array.isArray(items) ? items.map((e) => item(deref(e))) : items,
      t: x[5],
    });
  };
  const offers = Array.isArray(w.o) ? w.o.map((x) => grow(offer(x), "")) : w.o;
  if (Array.isArray(offers))
    for (const of of offers) {
      if (!isObj(of)) continue;
      if (of.status === undefined || of.status === null) of.status = "active";
      if (Array.isArray(of.items))
        for (const it of of.items)
          if (isObj(it) && (it.quantity === undefined || it.quantity === null)) it.quantity = 1;
    }
  const payload = { v: 1, publishedAt: w.publishedAt, settings: w.settings, offers };
  const error = validate(payloadSpec, payload);
  return error ? { ok: false, error } : { ok: true, payload: payload as Payload };
}
