import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodePayload, encodePayload, type Offer, type Payload } from "@moments/engine";
import { makeOffers, settings as shopSettings, withImages } from "../../../packages/engine/test/fixtures";
import { verifyLines } from "@moments/surfaces/discount";
import {
  functionPayloadJson,
  functionShards,
  type InputLine,
  joinShards,
  leanOffer,
  NO_SHARD,
  type RunInput,
  SHARD_KEYS,
  SHARD_MAX_BYTES,
  splitUtf8,
} from "@moments/contracts";
import {
  demoOffers,
  plainInputLine,
  PUBLISHED_AT,
  runInput,
  settings,
  shardsFor,
  shopShards,
  TODAY,
} from "./support/fixtures";
import { fixtureErrors } from "./support/schema";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const decode = (json: string): Payload => {
  const d = decodePayload(json);
  if (!d.ok) throw new Error(`payload does not decode: ${d.error.path} ${d.error.message}`);
  return d.payload;
};
const caseLine = { product: "tool-case", offer: { id: "demo-drill-case", moment: "checkout" } };
const reasons = (input: RunInput) => verifyLines(input).map((v) => (v.ok ? "ok" : v.reason));

describe("splitting the function payload into metafield-sized shards", () => {
  test("GIVEN any text WHEN split THEN every piece fits, is well-formed UTF-8 and the pieces join back to the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.integer({ min: 4, max: 40 }), (text, max) => {
        const pieces = splitUtf8(text, max);
        expect(pieces.join("")).toBe(text);
        for (const p of pieces) {
          expect(bytes(p)).toBeLessThanOrEqual(max);
          // A piece cut inside a surrogate pair would not survive UTF-8 (it becomes U+FFFD).
          expect(Buffer.from(p, "utf8").toString("utf8")).toBe(p);
        }
        if (text) expect(pieces.every((p) => p.length > 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("GIVEN a cut that would fall next to a space WHEN split THEN the cut moves so no piece starts or ends with whitespace", () => {
    const pieces = splitUtf8(`${"a".repeat(8)} ${"b".repeat(8)} ${"c".repeat(8)}`, 10);
    expect(pieces.join("")).toBe(`${"a".repeat(8)} ${"b".repeat(8)} ${"c".repeat(8)}`);
    for (const p of pieces) expect(p).toBe(p.trim());
  });

  test("GIVEN offers with copy, design, an image and arms with copy and design WHEN made lean THEN only copy, design and image are gone", () => {
    const offer: Offer = {
      ...demoOffers.find((o) => o.experiment)!,
      design: "card",
      image: ["https://cdn.shopify.com/s/files/1/0612/3456/7890/files/", "case.jpg?v=1"],
    };
    offer.experiment!.variants = offer.experiment!.variants.map((v) => ({
      ...v,
      copy: { en: { title: "Arm title" } },
      design: "banner",
    }));
    const lean = leanOffer(offer);
    expect(lean.copy).toEqual({ en: { title: "-" } });
    expect(lean.design).toBeUndefined();
    expect(lean.image).toBeUndefined();
    expect(lean.experiment!.variants.every((v) => v.copy === undefined && v.design === undefined)).toBe(true);
    const { copy: _c, design: _d, image: _i, experiment, ...rest } = offer;
    const { copy: _lc, experiment: leanExperiment, ...leanRest } = lean;
    expect(leanRest).toEqual(rest);
    expect(leanExperiment!.variants.map((v) => [v.id, v.weight, v.discount, v.moments])).toEqual(
      experiment!.variants.map((v) => [v.id, v.weight, v.discount, v.moments]),
    );
  });

  test("GIVEN 200 offers with images WHEN the function payload is built THEN it is byte for byte the one without images", () => {
    const plain = decode(encodePayload(makeOffers(200), shopSettings, PUBLISHED_AT));
    const pictured = decode(encodePayload(withImages(makeOffers(200)), shopSettings, PUBLISHED_AT));
    expect(functionPayloadJson(pictured)).toBe(functionPayloadJson(plain));
  });

  test("GIVEN 50, 100 and 200 offers WHEN the function payload is built THEN it fits in 1, 2 and 3 shards of 10,000 bytes", () => {
    const sizes = [50, 100, 200].map((n) => {
      const shards = functionShards(decode(encodePayload(makeOffers(n), shopSettings, PUBLISHED_AT)));
      if (!shards.ok) throw new Error(`${n} offers do not fit`);
      expect(shards.values.every((v) => bytes(v) <= SHARD_MAX_BYTES)).toBe(true);
      return [shards.bytes, shards.shards];
    });
    // Measured: 7,519, 14,080 and 26,227 bytes (the checkout's payload: 9,395, 17,041, 30,763).
    expect(sizes.map(([, n]) => n)).toEqual([1, 2, 3]);
    expect(sizes[2]![0]).toBeLessThan(30_000);
  });

  test("GIVEN 400 offers WHEN the function payload is built THEN it does not fit and every shard is left empty", () => {
    const shards = functionShards(decode(encodePayload(makeOffers(400), shopSettings, PUBLISHED_AT)));
    expect(shards.ok).toBe(false);
    expect(shards.bytes).toBeGreaterThan(SHARD_KEYS.length * SHARD_MAX_BYTES);
    expect(shards.values).toEqual(SHARD_KEYS.map(() => NO_SHARD));
  });
});

describe("the function reads its payload from the shards", () => {
  test("GIVEN shard values WHEN joined THEN empty keys end the payload, and payload after an empty key is refused", () => {
    expect(joinShards(["{", "}", NO_SHARD, NO_SHARD])).toEqual({ kind: "json", json: "{}" });
    expect(joinShards(["{}", null, null, null])).toEqual({ kind: "json", json: "{}" });
    expect(joinShards([NO_SHARD, NO_SHARD, NO_SHARD, NO_SHARD])).toEqual({ kind: "missing" });
    expect(joinShards([null, null, null, null])).toEqual({ kind: "missing" });
    expect(joinShards(["{", NO_SHARD, "}", NO_SHARD])).toEqual({ kind: "broken" });
    expect(joinShards([null, "}", null, null])).toEqual({ kind: "broken" });
  });

  test("GIVEN a sharded payload whose middle shard is gone WHEN run THEN zero discount (payload_invalid), never a guess", () => {
    const full = runInput([{ product: "drill" }, caseLine]);
    expect(reasons(full)).toEqual(["ok"]);
    const json = functionPayloadJson(decode(encodePayload(demoOffers, settings, PUBLISHED_AT)));
    const pieces = splitUtf8(json, 500);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    const gap = runInput([{ product: "drill" }, caseLine], { shards: [pieces[0]!, null, pieces[2]!, null] });
    expect(reasons(gap)).toEqual(["payload_invalid"]);
    const swapped = runInput([{ product: "drill" }, caseLine], { shards: [pieces[1]!, pieces[0]!, null, null] });
    expect(reasons(swapped)).toEqual(["payload_invalid"]);
  });

  test("GIVEN every shard written empty (payload too big) WHEN run THEN zero discount (payload_missing)", () => {
    const input = runInput([{ product: "drill" }, caseLine], { shards: SHARD_KEYS.map(() => NO_SHARD) });
    expect(reasons(input)).toEqual(["payload_missing"]);
  });

  test("GIVEN 200 offers WHEN each offer's line is priced from the shards THEN every verdict is the one the full payload gives", async () => {
    const fullJson = encodePayload(makeOffers(200), shopSettings, PUBLISHED_AT);
    const payload = decode(fullJson);
    // The full payload, split as it is (30,763 bytes still fit four shards), is the reference.
    const fullShards = splitUtf8(fullJson, SHARD_MAX_BYTES);
    expect(fullShards.length).toBeLessThanOrEqual(SHARD_KEYS.length);
    const leanShards = functionShards(payload);
    if (!leanShards.ok) throw new Error("200 offers must fit");

    let n = 0;
    const line = (productId: string, variantId: string, unit: number, quantity = 1) =>
      plainInputLine(`gid://shopify/CartLine/${++n}`, productId, variantId, unit, quantity);
    const compared: string[] = [];
    for (const o of payload.offers) {
      const moment = o.moments[0]!;
      const arm = o.experiment?.variants.at(-1)!.id;
      const token = `${o.id}~${arm ?? ""}~${moment}~${PUBLISHED_AT.toString(36)}`;
      const trigger = o.targeting?.products?.[0];
      const lines: InputLine[] = [];
      if (trigger && trigger !== o.items[0]!.productId)
        lines.push(line(trigger, "gid://shopify/ProductVariant/1", 129_900));
      for (const it of o.items) {
        const l = line(it.productId, it.variantId, it.prices.EUR!, it.quantity);
        l.offer = { value: o.id };
        l.arm = arm ? { value: arm } : null;
        l.moment = { value: moment };
        l.token = { value: token };
        if (it.sellingPlanId) l.sellingPlanAllocation = { sellingPlan: { id: it.sellingPlanId } };
        lines.push(l);
      }
      const subtotal = lines.reduce((s, l) => s + Math.round(Number(l.cost.subtotalAmount.amount) * 100), 0);
      const input = (shards: ReadonlyArray<string | null>): RunInput => ({
        cart: { cost: { subtotalAmount: { amount: (subtotal / 100).toFixed(2), currencyCode: "EUR" } }, lines },
        discount: { discountClasses: ["PRODUCT"] },
        shop: { localTime: { date: TODAY }, ...shopShards(shards) },
      });
      const fromShards = verifyLines(input(leanShards.values));
      expect(fromShards, o.id).toEqual(verifyLines(input(fullShards)));
      compared.push(...fromShards.map((v) => (v.ok ? (v.discount > 0 ? "discounted" : "list") : v.reason)));
    }
    // Not vacuous: most offers verify, and many with a real discount.
    expect(compared.filter((c) => c === "discounted").length).toBeGreaterThan(60);
    expect(compared.filter((c) => c.startsWith("payload_"))).toEqual([]);
    // And the inputs are what Shopify would answer for the query.
    expect(await fixtureErrors(runInput([{ product: "drill" }, caseLine], { shards: leanShards.values }))).toEqual([]);
  });

  test("GIVEN a multi-byte trigger tag straddling the 10,000-byte boundary WHEN the function reads the shards THEN the tag and its offer survive", () => {
    const tag = "Grüße €😀".repeat(20); // 180 UTF-16 units, 300 bytes
    const tagged: Offer = { ...demoOffers.find((o) => o.id === "demo-drill-case")!, targeting: { tags: [tag] } };
    // Pad with offers until a naive cut at 10,000 bytes would fall inside one of the tag's characters.
    let offers: Offer[] | undefined;
    let json = "";
    for (let n = 1; n < 120 && !offers; n++) {
      for (let pad = 0; pad < 4 && !offers; pad++) {
        const candidate = [...makeOffers(n, 7).map((o) => ({ ...o, id: o.id + "x".repeat(pad) })), tagged];
        json = functionPayloadJson(decode(encodePayload(candidate, settings, PUBLISHED_AT)));
        const buf = Buffer.from(json, "utf8");
        const at = buf.indexOf(Buffer.from(tag, "utf8"));
        const naive = buf.subarray(0, SHARD_MAX_BYTES).toString("utf8");
        if (at >= 0 && at < SHARD_MAX_BYTES && at + bytes(tag) > SHARD_MAX_BYTES && naive.endsWith("\uFFFD"))
          offers = candidate;
      }
    }
    if (!offers) throw new Error("no padding put the tag across the boundary");
    const shards = shardsFor(encodePayload(offers, settings, PUBLISHED_AT));
    expect(shards.filter((s) => s !== NO_SHARD)).toHaveLength(2);
    for (const s of shards) expect(bytes(s!)).toBeLessThanOrEqual(SHARD_MAX_BYTES);
    expect(shards.filter((s) => s !== NO_SHARD).join("")).toBe(json);
    const joined = joinShards(shards);
    expect(joined.kind === "json" && decode(joined.json).offers.at(-1)!.targeting!.tags).toEqual([tag]);

    const input = runInput([{ product: "drill", tags: [tag] }, caseLine], { offers });
    expect(reasons(input)).toEqual(["ok"]);
  });
});
