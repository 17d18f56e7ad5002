import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodePayload, encodePayload, payloadSpec } from "../src/index";
import { makeOffers, settings } from "./fixtures";
import { arb, offer } from "./helpers";

const enc = (offers = makeOffers(200)) => encodePayload(offers, settings, 1_700_000_000_000);
const norm = (x: unknown): unknown =>
  Array.isArray(x)
    ? x.map(norm)
    : x && typeof x === "object"
      ? Object.fromEntries(
          Object.keys(x)
            .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
            .sort()
            .map((k) => [k, norm((x as Record<string, unknown>)[k])]),
        )
      : x;
const decodeOk = (s: unknown) => {
  const r = decodePayload(s);
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
  return r.payload;
};
/** Decodes the wire, lets `edit` change the *model*, re-encodes with the same wire layout by hand. */
const wireWith = (edit: (w: { o: unknown[][]; s: unknown[]; c: string[] }) => void) => {
  const w = JSON.parse(
    encodePayload(
      [
        offer({ id: "a" }),
        offer({
          id: "b",
          priority: 2,
          items: [{ productId: "9", variantId: "19", quantity: 1, prices: { EUR: 1234 } }],
        }),
        offer({ id: "c" }),
        offer({ id: "d", discount: { kind: "percent", percent: 10 } }),
      ],
      settings,
      1,
    ),
  );
  edit(w);
  return JSON.stringify(w);
};

describe("publish payload", () => {
  it("GIVEN 200 realistic offers WHEN encoded THEN the payload is under the 32 KB budget", () => {
    expect(new TextEncoder().encode(enc()).length).toBeLessThan(32 * 1024);
  });

  it("GIVEN 200 offers WHEN encoded and decoded THEN the model round-trips exactly", () => {
    const offers = makeOffers(200);
    expect(norm(decodeOk(enc(offers)).offers)).toEqual(norm(offers));
  });

  it("GIVEN paused and ended offers WHEN published THEN only live offers are in the payload", () => {
    const p = decodeOk(
      encodePayload(
        [offer({ id: "live" }), offer({ id: "p", status: "paused" }), offer({ id: "e", endsAt: 5 })],
        settings,
        10,
      ),
    );
    expect(p.offers.map((o) => o.id)).toEqual(["live"]);
  });

  it("GIVEN a payload published before ids travelled as digits WHEN decoded THEN its JSON-number ids are GIDs", () => {
    const gid = "gid://shopify/ProductVariant/44012345600001";
    const o = offer({
      items: [{ productId: "gid://shopify/Product/8012", variantId: gid, quantity: 1, prices: { EUR: 1 } }],
    });
    const w = JSON.parse(encodePayload([o], settings, 1)) as { v: number; o: unknown[][] };
    w.v = 1;
    const item = (w.o[0]![4] as unknown[][])[0]!;
    item[0] = Number(item[0]);
    item[1] = Number(item[1]);
    expect(decodeOk(JSON.stringify(w)).offers[0]!.items[0]).toMatchObject({
      productId: "gid://shopify/Product/8012",
      variantId: gid,
    });
  });

  it("GIVEN a v1 payload with a free-text design WHEN decoded THEN the offer keeps publishing with the default layout", () => {
    const w = JSON.parse(encodePayload([offer({ design: "card" })], settings, 1)) as { v: number; o: unknown[][] };
    w.v = 1;
    (w.o[0]![6] as Record<string, unknown>)["z"] = "blue banner";
    expect(decodeOk(JSON.stringify(w)).offers[0]!.design).toBeUndefined();
  });

  it("GIVEN ids that are not GIDs but start with a digit or the mark WHEN round-tripped THEN they stay literal", () => {
    const o = offer({ items: [{ productId: "9", variantId: "=19", quantity: 1, prices: { EUR: 1 } }] });
    expect(decodeOk(encodePayload([o], settings, 1)).offers[0]!.items[0]).toMatchObject({
      productId: "9",
      variantId: "=19",
    });
  });

  it("GIVEN copy in Indonesian (locale id, also a model key) WHEN round-tripped THEN the locale is kept", () => {
    const o = offer({ copy: { id: { title: "Tambahkan" }, en: { title: "Add" } } });
    expect(decodeOk(encodePayload([o], settings, 1)).offers[0]!.copy).toEqual({
      id: { title: "Tambahkan" },
      en: { title: "Add" },
    });
  });

  it("GIVEN copy that starts with the reference marker ^ WHEN round-tripped THEN it is kept literally", () => {
    const o = offer({ copy: { en: { title: "^1 deal", body: "^^" } } });
    expect(decodeOk(encodePayload([o, { ...o, id: "o2" }], settings, 1)).offers[1]!.copy.en).toEqual({
      title: "^1 deal",
      body: "^^",
    });
  });

  it("GIVEN a percent of 150 WHEN decoding THEN the error names offers[3].discount.percent", () => {
    const r = decodePayload(wireWith((w) => ((w.o[3]![6] as { n: { p: number } }).n.p = 150)));
    expect(r).toEqual({ ok: false, error: { path: "offers[3].discount.percent", message: "must be 1..100" } });
  });

  it("GIVEN a float price WHEN decoding THEN the error names the item price in that currency", () => {
    const r = decodePayload(wireWith((w) => ((w.o[1]![4] as number[][])[0]![2] = 19.99)));
    expect(r).toMatchObject({
      ok: false,
      error: { path: "offers[1].items[0].prices.EUR", message: "expected integer" },
    });
  });

  it("GIVEN an offer row without its copy WHEN decoding THEN the error names offers[2].copy", () => {
    const r = decodePayload(wireWith((w) => (w.o[2]!.length = 5)));
    expect(r).toEqual({ ok: false, error: { path: "offers[2].copy", message: "expected object" } });
  });

  it("GIVEN an item row without its product id WHEN decoding THEN the error names that item's productId", () => {
    const r = decodePayload(wireWith((w) => ((w.o[1]![4] as unknown[][])[0]![0] = undefined)));
    expect(r).toEqual({ ok: false, error: { path: "offers[1].items[0].productId", message: "expected string" } });
  });

  it("GIVEN a bad variant id and a bad price in one item WHEN decoding THEN the first field in order is named", () => {
    const r = decodePayload(
      wireWith((w) => {
        const item = (w.o[1]![4] as unknown[][])[0]!;
        item[1] = ""; // the variant id, before the prices
        item[2] = 19.99; // the EUR price
      }),
    );
    expect(r).toEqual({ ok: false, error: { path: "offers[1].items[0].variantId", message: "length must be 1..64" } });
  });

  it("GIVEN an item on a selling plan WHEN round-tripped THEN the plan is kept and quantity defaults to 1", () => {
    const base = offer({});
    const o = offer({ items: [{ ...base.items[0]!, sellingPlanId: "gid://shopify/SellingPlan/77" }] });
    const item = decodeOk(encodePayload([o], settings, 1)).offers[0]!.items[0]!;
    expect(item).toEqual({ ...base.items[0], quantity: 1, sellingPlanId: "gid://shopify/SellingPlan/77" });
  });

  it("GIVEN an unknown moment WHEN decoding THEN the error names offers[0].moments[0]", () => {
    const r = decodePayload(wireWith((w) => (w.o[0]![2] = ["checkout_page"])));
    expect(r).toMatchObject({ ok: false, error: { path: "offers[0].moments[0]" } });
  });

  it("GIVEN a broken reference WHEN decoding THEN it is rejected with a path, not thrown", () => {
    const r = decodePayload(wireWith((w) => (w.o[0]![1] = "^zz")));
    expect(r).toMatchObject({ ok: false, error: { path: "offers[0].type" } });
  });

  it("GIVEN a self-referencing shared value WHEN decoding THEN it terminates with an error", () => {
    const r = decodePayload(wireWith((w) => ((w.s = [{ A: "^0" }]), (w.o[0]![6] = "^0"))));
    expect(r.ok).toBe(false);
  });

  it("GIVEN an unsupported version WHEN decoding THEN the error path is v", () => {
    expect(decodePayload({ v: 3 })).toMatchObject({ ok: false, error: { path: "v" } });
  });

  it("GIVEN invalid JSON WHEN decoding THEN it is rejected, not thrown", () => {
    expect(decodePayload("{nope")).toEqual({ ok: false, error: { path: "", message: "invalid JSON" } });
  });

  it("GIVEN a missing settings object WHEN decoding THEN the error path is settings", () => {
    expect(decodePayload(wireWith((w) => delete (w as { settings?: unknown }).settings))).toMatchObject({
      ok: false,
      error: { path: "settings" },
    });
  });

  it("GIVEN a currency display Intl does not know WHEN decoding THEN the error path is settings.currencyDisplay", () => {
    expect(
      decodePayload(
        wireWith((w) => ((w as unknown as { settings: Record<string, unknown> }).settings.currencyDisplay = "long")),
      ),
    ).toMatchObject({
      ok: false,
      error: { path: "settings.currencyDisplay" },
    });
  });

  it("PROPERTY: any schema-valid payload round-trips through the wire format", () => {
    fc.assert(
      fc.property(arb(payloadSpec), (p) => {
        const payload = p as { settings: typeof settings; offers: ReturnType<typeof offer>[]; publishedAt: number };
        const live = payload.offers.filter(
          (o) => o.status === "active" && !(o.endsAt !== undefined && o.endsAt <= payload.publishedAt),
        );
        const d = decodeOk(encodePayload(payload.offers, payload.settings, payload.publishedAt));
        expect(norm(d.offers)).toEqual(norm(live));
      }),
      { numRuns: 300 },
    );
  });

  it("GIVEN a currency table holding an object that cannot become a string WHEN decoding THEN it is refused at c, not thrown", () => {
    const wire = JSON.parse(enc(makeOffers(5))) as Record<string, unknown>;
    // fast-check's counterexample (seed 1069050783): String() of this object throws.
    expect(decodePayload({ ...wire, c: [{ toString: false }, 0] })).toEqual({
      ok: false,
      error: { path: "c", message: "expected currency table" },
    });
  });

  it("PROPERTY: decoding arbitrary JSON never throws", () => {
    const wire = JSON.parse(enc(makeOffers(5)));
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom("o", "s", "c", "settings", "publishedAt"), (junk, key) => {
        expect(() => decodePayload({ ...wire, [key]: junk })).not.toThrow();
        expect(() => decodePayload(junk)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
