import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatPath, MOMENTS, OfferSchema, offerSpec, PayloadSchema, validate } from "../src/index";
import { makeOffers, settings } from "./fixtures";
import { arb, offer } from "./helpers";

describe("zod schema (admin forms, publisher)", () => {
  it("GIVEN 200 fixture offers WHEN parsed with the zod schema THEN all are valid", () => {
    expect(PayloadSchema.safeParse({ v: 1, publishedAt: 1, settings, offers: makeOffers(200) }).success).toBe(true);
  });
  it("GIVEN a 0% discount WHEN parsed with zod THEN the issue path matches the decoder's", () => {
    const bad = offer({ discount: { kind: "percent", percent: 0 } });
    const r = OfferSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(formatPath(r.error!.issues[0]!.path)).toBe("discount.percent");
    expect(validate(offerSpec, bad)?.path).toBe("discount.percent");
  });
  it("PROPERTY: zod and the dependency-free validator agree on spec-generated offers", () => {
    fc.assert(
      fc.property(arb(offerSpec), (o) => {
        expect(OfferSchema.safeParse(o).success).toBe(validate(offerSpec, o) === null);
      }),
      { numRuns: 300 },
    );
  });
  it("PROPERTY: zod and the validator agree on corrupted offers", () => {
    fc.assert(
      fc.property(
        arb(offerSpec),
        fc.constantFrom("id", "type", "priority", "items", "copy", "moments"),
        fc.jsonValue(),
        (o, k, junk) => {
          const bad = { ...(o as object), [k]: junk };
          expect(OfferSchema.safeParse(bad).success).toBe(validate(offerSpec, bad) === null);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("GIVEN the moments WHEN listed THEN checkout steps are Plus-only and name a non-Plus alternative", () => {
    for (const m of MOMENTS) {
      expect(m.plusOnly).toBe(["checkout", "information", "shipping", "payment"].includes(m.id));
      if (m.plusOnly) expect(MOMENTS.find((x) => x.id === m.alternative)?.plusOnly).toBe(false);
    }
  });
});
