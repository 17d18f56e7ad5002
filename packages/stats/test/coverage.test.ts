import { expect, test } from "vitest";
import { mulberry32, relativeLift, summarize, welch, type Sums } from "../src";

/**
 * Calibration: with a planted +8% revenue-per-visitor lift (hold-out 10% of traffic, 90% convert,
 * carts of 1,199 or 1,499, the treatment adding a 10% add-on 80% of the time), the 95% Welch
 * interval on the difference and the delta-method interval on the relative lift cover the truth
 * in about 95% of 2,000 experiments: the interval the dashboard shows means what it says.
 */
test("GIVEN 2,000 simulated experiments with a planted +8% lift WHEN 95% intervals are computed THEN they cover the truth about 95% of the time", () => {
  const random = mulberry32(99);
  const visitor = (treated: boolean): number => {
    if (random() >= 0.9) return 0;
    const cart = random() < 0.5 ? 119900 : 149900;
    return treated && random() < 0.8 ? cart + cart / 10 : cart;
  };
  const arm = (n: number, treated: boolean): Sums => {
    const s = { n, sum: 0, sumSq: 0 };
    for (let i = 0; i < n; i++) {
      const v = visitor(treated);
      s.sum += v;
      s.sumSq += v * v;
    }
    return s;
  };
  const control = 0.9 * 134900;
  const treatment = 0.9 * (134900 + 0.8 * 13490);
  let diffCovered = 0;
  let liftCovered = 0;
  const runs = 2000;
  for (let r = 0; r < runs; r++) {
    const c = summarize(arm(150, false));
    const t = summarize(arm(1350, true));
    const w = welch(t, c);
    if (w.lower <= treatment - control && treatment - control <= w.upper) diffCovered++;
    const l = relativeLift(t, c);
    if (l.lower <= 0.08 && 0.08 <= l.upper) liftCovered++;
  }
  console.log(`coverage of a planted +8% lift: difference ${(diffCovered / runs * 100).toFixed(1)}%, relative lift ${(liftCovered / runs * 100).toFixed(1)}%`);
  expect(treatment / control - 1).toBeCloseTo(0.08, 12);
  expect(diffCovered / runs).toBeGreaterThan(0.93);
  expect(diffCovered / runs).toBeLessThan(0.97);
  expect(liftCovered / runs).toBeGreaterThan(0.93);
  expect(liftCovered / runs).toBeLessThan(0.97);
});
