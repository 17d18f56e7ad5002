import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { assign, hash32, ln } from "../src/index";

const exp = (variants: Array<[string, number]>, holdoutBps = 0) => ({
  id: "exp-1",
  holdoutBps,
  variants: variants.map(([id, weight]) => ({ id, weight })),
});
const keys = (n: number) => Array.from({ length: n }, (_, i) => `buyer-${i}`);
const shares = (e: ReturnType<typeof exp>, ks: string[]) => {
  const c: Record<string, number> = {};
  for (const k of ks) {
    const a = assign(e, k);
    const arm = a.kind === "holdout" ? "holdout" : a.armId;
    c[arm] = (c[arm] ?? 0) + 1 / ks.length;
  }
  return c;
};

describe("experiment assignment", () => {
  it("GIVEN the same buyer and experiment WHEN assigned twice THEN the arm is the same", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (key, id) => {
        const e = {
          ...exp(
            [
              ["a", 1],
              ["b", 3],
            ],
            500,
          ),
          id,
        };
        expect(assign(e, key)).toEqual(assign(e, key));
      }),
    );
  });

  it("GIVEN known inputs WHEN hashing THEN the value is pinned (same on every surface)", () => {
    expect([hash32(""), hash32("a"), hash32("exp-1:buyer-1")]).toEqual([2872998923, 444641715, 2999642673]);
  });

  it("GIVEN ln from basic arithmetic WHEN compared to Math.log THEN it matches to 1e-12", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-10, max: 1, noNaN: true }), (x) => {
        expect(Math.abs(ln(x) - Math.log(x))).toBeLessThan(1e-12);
      }),
    );
  });

  it("GIVEN weights 20/30/50 and a 10% hold-out WHEN 100k buyers are assigned THEN shares match within 1 point", () => {
    const s = shares(
      exp(
        [
          ["a", 20],
          ["b", 30],
          ["c", 50],
        ],
        1000,
      ),
      keys(100_000),
    );
    expect(s.holdout).toBeCloseTo(0.1, 1);
    expect(Math.abs(s.holdout! - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(s.a! - 0.18)).toBeLessThan(0.01);
    expect(Math.abs(s.b! - 0.27)).toBeLessThan(0.01);
    expect(Math.abs(s.c! - 0.45)).toBeLessThan(0.01);
  });

  it("PROPERTY: for random weights the 100k-key split matches within 5 standard errors", () => {
    const ks = keys(100_000);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5000 }),
        (ws, hold) => {
          const e = exp(
            ws.map((w, i) => [`v${i}`, w]),
            hold,
          );
          const s = shares(e, ks);
          const total = ws.reduce((a, b) => a + b, 0);
          ws.forEach((w, i) => {
            const p = ((1 - hold / 10000) * w) / total;
            const se = Math.sqrt((p * (1 - p)) / ks.length);
            expect(Math.abs((s[`v${i}`] ?? 0) - p)).toBeLessThan(5 * se + 1e-9);
          });
        },
      ),
      { numRuns: 5 },
    );
  });

  it("GIVEN a running A/B WHEN variant C is added THEN buyers either keep their arm or move to C", () => {
    const before = exp(
      [
        ["a", 50],
        ["b", 50],
      ],
      1000,
    );
    const after = exp(
      [
        ["a", 50],
        ["b", 50],
        ["c", 50],
      ],
      1000,
    );
    let moved = 0;
    for (const k of keys(50_000)) {
      const x = assign(before, k);
      const y = assign(after, k);
      if (JSON.stringify(x) !== JSON.stringify(y)) {
        expect(y).toEqual({ kind: "variant", armId: "c" });
        moved++;
      }
    }
    expect(Math.abs(moved / 50_000 - 0.9 / 3)).toBeLessThan(0.01);
  });

  it("GIVEN the hold-out WHEN variants change THEN hold-out membership does not change", () => {
    const a = exp([["a", 1]], 2000);
    const b = exp(
      [
        ["a", 1],
        ["b", 5],
      ],
      2000,
    );
    for (const k of keys(10_000)) expect(assign(a, k).kind === "holdout").toBe(assign(b, k).kind === "holdout");
  });

  it("GIVEN all weights zero WHEN assigned THEN the buyer is held out (sees nothing)", () => {
    expect(assign(exp([["a", 0]]), "k")).toEqual({ kind: "holdout" });
  });
});

describe("assignment algorithm (pinned)", () => {
  it("GIVEN the documented formula WHEN computed naively THEN assign() agrees on 10k buyers", () => {
    const e = {
      id: "exp-9",
      holdoutBps: 700,
      variants: [
        { id: "a", weight: 3 },
        { id: "b", weight: 1 },
        { id: "c", weight: 2 },
      ],
    };
    for (const k of keys(10_000)) {
      const holdout = hash32(`${e.id}:${k}`) % 10000 < e.holdoutBps;
      let best = "";
      let bestScore = Infinity;
      for (const v of e.variants) {
        const score = -Math.log((hash32(`${e.id}:${k}:${v.id}`) + 0.5) / 2 ** 32) / v.weight;
        if (score < bestScore) {
          bestScore = score;
          best = v.id;
        }
      }
      expect(assign(e, k)).toEqual(holdout ? { kind: "holdout" } : { kind: "variant", armId: best });
    }
  });
});
