import { encodePayload, type Offer, type Payload } from "@moments/engine";

/**
 * The Discount Function's own copy of the published payload, cut into shards.
 *
 * Shopify gives a function metafield values of at most 10,000 bytes, and its whole input JSON is
 * capped at 64,000 bytes (shopify.dev changelog "Shopify Functions input limit updates"). The
 * payload the checkout reads (`$app` / `offers`) passes 10 KB at about 50 offers, and past it the
 * function would get nothing: every accepted offer back at full price. So the publisher writes a
 * second payload for the function, without what verification never reads, split into `$app` shop
 * metafields `fn-0` .. `fn-3` of at most 10,000 bytes each, which the input query reads and
 * `joinShards` puts back together.
 */

/** Shopify's limit for one metafield value read by a function input query, in bytes. */
export const SHARD_MAX_BYTES = 10_000;
/**
 * The `$app` shop metafields the input query reads, in order. Four shards (40,000 bytes) leave
 * 24,000 of the 64,000-byte input for the cart lines.
 */
export const SHARD_KEYS = ["fn-0", "fn-1", "fn-2", "fn-3"] as const;
/** The most payload the function can read, in bytes. */
export const FUNCTION_PAYLOAD_MAX_BYTES = SHARD_MAX_BYTES * SHARD_KEYS.length;
/**
 * The value of a shard key the payload does not need. Shopify refuses blank metafield values
 * (`BLANK`), and every key is written on every publish, in one atomic metafieldsSet, so a shorter
 * payload never leaves an older payload's tail behind. No real shard can be this: a shard is either
 * (nearly) 10,000 bytes or the payload's last, which ends with `}`.
 */
export const NO_SHARD = "-";
/** Shard metafields are text, not JSON: a shard is a slice of JSON, not JSON itself. */
export const SHARD_METAFIELD_TYPE = "multi_line_text_field";

/**
 * Copy is display only: the function never reads it. One constant value, so the wire format's
 * shared-value table stores it once for every offer.
 */
const NO_COPY: Offer["copy"] = { en: { title: "-" } };

/**
 * The offer as the function needs it: everything `verifyOfferLine` and `verifyLines` read (status,
 * type, moments, schedule, items, discount, pricing, targeting, the experiment's arms with their
 * discounts and moments, priority) is kept; copy, design (the offer's and its arms') and the
 * product image (display only, decision 024) are not.
 * Targeting is kept whole: a restriction the function ignores today would make it more generous
 * if it were dropped here and read there tomorrow.
 */
export function leanOffer(o: Offer): Offer {
  const { design: _design, image: _image, experiment, ...rest } = o;
  const lean: Offer = { ...rest, copy: NO_COPY };
  if (experiment)
    lean.experiment = {
      ...experiment,
      variants: experiment.variants.map(({ copy: _copy, design: _d, ...arm }) => arm),
    };
  return lean;
}

/**
 * The function's payload JSON for a published payload: the same encoder, settings and
 * `publishedAt` (offer tokens embed it), with lean offers.
 */
export function functionPayloadJson(payload: Payload): string {
  // The complement table without images: the function checks a dynamic offer's line against it.
  const complements = payload.complements?.map(({ productId, items }) => ({
    productId,
    items: items.map(({ image: _image, ...item }) => item),
  }));
  return encodePayload(payload.offers.map(leanOffer), payload.settings, payload.publishedAt, complements);
}

const utf8Bytes = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Splits text into pieces of at most `maxBytes` UTF-8 bytes that join back to it. Cuts fall on
 * code point boundaries (never inside a multi-byte character or a surrogate pair), and, where the
 * piece allows, not next to whitespace: a text metafield that lost a leading or trailing space
 * would join back into different JSON.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError("maxBytes must hold any character (4 bytes)");
  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const b = utf8Bytes(cp);
    if (bytes + b > maxBytes) {
      let cut = i;
      while (cut > start + 1 && (isSpace(text[cut - 1]) || isSpace(text[cut]))) {
        cut--;
        // Never between the halves of a surrogate pair.
        if (isLowSurrogate(text.charCodeAt(cut))) cut--;
      }
      if (cut <= start) cut = i;
      pieces.push(text.slice(start, cut));
      start = cut;
      bytes = 0;
      for (let k = start; k < i;) {
        const c = text.codePointAt(k)!;
        bytes += utf8Bytes(c);
        k += c > 0xffff ? 2 : 1;
      }
      continue;
    }
    bytes += b;
    i += units;
  }
  if (start < text.length || pieces.length === 0) pieces.push(text.slice(start));
  return pieces;
}

export type FunctionShards =
  | {
      ok: true;
      /** One value per key of SHARD_KEYS, unused keys NO_SHARD. */
      values: string[];
      /** The function payload's size in UTF-8 bytes. */
      bytes: number;
      /** How many keys hold payload. */
      shards: number;
    }
  | {
      /** Too big for the function: every key is written NO_SHARD, so it reads "no payload". */
      ok: false;
      values: string[];
      bytes: number;
    };

/** What the publisher writes to SHARD_KEYS for this published payload. */
export function functionShards(payload: Payload): FunctionShards {
  const json = functionPayloadJson(payload);
  const pieces = splitUtf8(json, SHARD_MAX_BYTES);
  const bytes = new TextEncoder().encode(json).length;
  const empty = SHARD_KEYS.map(() => NO_SHARD);
  if (pieces.length > SHARD_KEYS.length) return { ok: false, values: empty, bytes };
  return { ok: true, values: empty.map((none, i) => pieces[i] ?? none), bytes, shards: pieces.length };
}

export type JoinedShards = { kind: "missing" } | { kind: "broken" } | { kind: "json"; json: string };

/**
 * The function's side: the shard values in key order (null for a metafield that does not exist)
 * back to the payload JSON. Nothing in any key is "missing"; payload after an empty key cannot be
 * a whole payload and is "broken" (never guessed at).
 */
export function joinShards(values: ReadonlyArray<string | null | undefined>): JoinedShards {
  const used = values.map((v) => (v === null || v === undefined || v === NO_SHARD ? null : v));
  const n = used.findIndex((v) => v === null);
  const count = n < 0 ? used.length : n;
  if (used.slice(count).some((v) => v !== null)) return { kind: "broken" };
  if (count === 0) return { kind: "missing" };
  return { kind: "json", json: used.slice(0, count).join("") };
}
