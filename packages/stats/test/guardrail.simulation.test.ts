import { expect, test } from "vitest";
import { completionGuardrail, harmPValue, oneSidedHalfWidth, type CompletionDay } from "../src/guardrail";
import { confidenceSequenceHalfWidth } from "../src/sequential";
import { binomialDraw, mulberry32 } from "../src/random";
import { lgamma } from "../src/special";

/**
 * Day-by-day simulation of one offer's checkouts, independent of the code under test: each day
 * `perDay` buyers reach the checkout, each in the hold-out with probability `holdout` (exact
 * binomial split), and each checkout completes with the hold-out's baseline completion (drawn per
 * run between 50% and 70%) or, treated, that baseline minus `dropPoints`. The guardrail looks at
 * the days in order; a run counts as paused on the first day its verdict is "pause" (a pause is
 * final: the offer stops showing).
 */
interface Scenario {
  seed: number;
  runs: number;
  days: number;
  perDay: number;
  holdout: number;
  dropPoints: number;
}

/**
 * Binomial(n, p) by exact inversion, searching outward from the mode (Kemp's "chop-down from the
 * mode"): the outcomes are visited in the order mode, mode + 1, mode - 1, ... and the uniform is
 * spent on their probabilities, so the draw has the binomial law exactly (up to rounding) at a
 * cost of a few standard deviations, not n. Summing n Bernoulli draws (binomialDraw) would cost a
 * billion uniforms for the 60-day scenarios at 10,000 checkouts a day.
 */
function binomial(random: () => number, n: number, p: number): number {
  if (n < 64 || p <= 0 || p >= 1) return binomialDraw(random, n, p);
  const mode = Math.floor((n + 1) * p);
  const atMode = Math.exp(
    lgamma(n + 1) - lgamma(mode + 1) - lgamma(n - mode + 1) + mode * Math.log(p) + (n - mode) * Math.log1p(-p),
  );
  const odds = p / (1 - p);
  let u = random() - atMode;
  if (u <= 0) return mode;
  let hi = mode;
  let pHi = atMode;
  let lo = mode;
  let pLo = atMode;
  while (hi < n || lo > 0) {
    if (hi < n) {
      pHi *= ((n - hi) / (hi + 1)) * odds;
      hi++;
      u -= pHi;
      if (u <= 0) return hi;
    }
    if (lo > 0) {
      pLo *= lo / (n - lo + 1) / odds;
      lo--;
      u -= pLo;
      if (u <= 0) return lo;
    }
  }
  return mode; // the rounding left over after every outcome: probability ~1e-15
}

/** For each run, the (1-based) day the guardrail paused the offer, or null if it never did. */
function pauseDays(s: Scenario): (number | null)[] {
  const random = mulberry32(s.seed);
  const out: (number | null)[] = [];
  for (let r = 0; r < s.runs; r++) {
    const baseline = 0.5 + 0.2 * random();
    const treatedRate = baseline - s.dropPoints / 100;
    const days: CompletionDay[] = [];
    for (let d = 0; d < s.days; d++) {
      const holdoutReached = binomial(random, s.perDay, s.holdout);
      const treatedReached = s.perDay - holdoutReached;
      days.push({
        day: `day ${d + 1}`,
        treatedReached,
        treatedCompleted: binomial(random, treatedReached, treatedRate),
        holdoutReached,
        holdoutCompleted: binomial(random, holdoutReached, baseline),
      });
    }
    // One call over all days is the same as one call a day: the guardrail stops at the first
    // pausing look, and every look only uses the days up to it.
    const g = completionGuardrail({ days });
    out.push(g.verdict === "pause" ? g.dayIndex! + 1 : null);
  }
  return out;
}

const rateBy = (paused: readonly (number | null)[], day: number) =>
  paused.filter((d) => d !== null && d <= day).length / paused.length;
/** First day by which at least `share` of the runs are paused (null if never within the simulated days). */
const dayReaching = (paused: readonly (number | null)[], share: number, days: number) => {
  for (let d = 1; d <= days; d++) if (rateBy(paused, d) >= share) return d;
  return null;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

test("GIVEN the simulation's binomial sampler WHEN 20,000 draws of Binomial(2,000, 0.6) are taken THEN their mean and variance match np and np(1 - p), as Bernoulli sums' do", () => {
  const random = mulberry32(11);
  const draws = Array.from({ length: 20000 }, () => binomial(random, 2000, 0.6));
  const mean = draws.reduce((a, x) => a + x, 0) / draws.length;
  const variance = draws.reduce((a, x) => a + (x - mean) ** 2, 0) / (draws.length - 1);
  expect(Math.abs(mean - 1200) / Math.sqrt(480 / draws.length)).toBeLessThan(4);
  expect(Math.abs(variance / 480 - 1)).toBeLessThan(0.05);
});

test("GIVEN 4,000 A/A offers at 2,000 checkouts a day with a 10% hold-out WHEN the guardrail looks daily for 60 days THEN at most 1% are paused", () => {
  const paused = pauseDays({ seed: 1, runs: 4000, days: 60, perDay: 2000, holdout: 0.1, dropPoints: 0 });
  const rate = rateBy(paused, 60);
  console.log(`A/A, 2,000 checkouts a day, 10% hold-out, 60 daily looks: ${pct(rate)} falsely paused (alpha 1%)`);
  expect(rate).toBeLessThanOrEqual(0.01);
});

test("GIVEN 4,000 A/A offers at 4,000 checkouts a day with a 50% hold-out WHEN the guardrail looks daily for 60 days THEN at most 1% are paused", () => {
  const paused = pauseDays({ seed: 2, runs: 4000, days: 60, perDay: 4000, holdout: 0.5, dropPoints: 0 });
  const rate = rateBy(paused, 60);
  console.log(`A/A, 4,000 checkouts a day, 50% hold-out, 60 daily looks: ${pct(rate)} falsely paused (alpha 1%)`);
  expect(rate).toBeLessThanOrEqual(0.01);
});

test("GIVEN a 3-point drop at 10,000 checkouts a day with a 10% hold-out WHEN the guardrail looks daily THEN at least 90% of 2,000 offers are paused within 7 days", () => {
  const paused = pauseDays({ seed: 3, runs: 2000, days: 7, perDay: 10000, holdout: 0.1, dropPoints: 3 });
  const rate = rateBy(paused, 7);
  console.log(`3-point drop, 10,000 checkouts a day (1,000 in the 10% hold-out): ${pct(rate)} paused within 7 days`);
  expect(rate).toBeGreaterThanOrEqual(0.9);
});

test("GIVEN a 3-point drop at 4,000 checkouts a day with a 50% hold-out (2,000 per arm) WHEN the guardrail looks daily THEN at least 90% of 2,000 offers are paused within 7 days", () => {
  const paused = pauseDays({ seed: 4, runs: 2000, days: 7, perDay: 4000, holdout: 0.5, dropPoints: 3 });
  const rate = rateBy(paused, 7);
  console.log(`3-point drop, 4,000 checkouts a day (2,000 in the 50% hold-out): ${pct(rate)} paused within 7 days`);
  expect(rate).toBeGreaterThanOrEqual(0.9);
});

test("GIVEN a 3-point drop at 2,000 checkouts a day with a 10% hold-out WHEN the guardrail looks daily THEN at least 90% of 2,000 offers are paused within 31 days, not within 7", () => {
  const days = 40;
  const paused = pauseDays({ seed: 5, runs: 2000, days, perDay: 2000, holdout: 0.1, dropPoints: 3 });
  console.log(
    `3-point drop, 2,000 checkouts a day, 10% hold-out: ${pct(rateBy(paused, 7))} paused within 7 days, ${pct(rateBy(paused, 14))} within 14, ${pct(rateBy(paused, 31))} within 31; 90% by day ${dayReaching(paused, 0.9, days)}`,
  );
  expect(rateBy(paused, 31)).toBeGreaterThanOrEqual(0.9);
  expect(rateBy(paused, 7)).toBeLessThan(0.9);
});

test("GIVEN a 3-point drop at 2,000 checkouts a day WHEN the hold-out is 20% or 50% THEN within 7 days fewer than 90% of 2,000 offers are paused at either share", () => {
  const rates = [0.2, 0.5].map((holdout, i) => {
    const paused = pauseDays({ seed: 6 + i, runs: 2000, days: 7, perDay: 2000, holdout, dropPoints: 3 });
    return rateBy(paused, 7);
  });
  console.log(
    `3-point drop, 2,000 checkouts a day: ${pct(rates[0]!)} paused within 7 days at a 20% hold-out, ${pct(rates[1]!)} at 50%`,
  );
  for (const rate of rates) expect(rate).toBeLessThan(0.9);
});

test("GIVEN a 0.5-point drop (within the 1-point threshold) at 2,000 checkouts a day with a 10% hold-out WHEN the guardrail looks daily for 60 days THEN at most 10% of 2,000 offers are paused", () => {
  const paused = pauseDays({ seed: 8, runs: 2000, days: 60, perDay: 2000, holdout: 0.1, dropPoints: 0.5 });
  const rate = rateBy(paused, 60);
  console.log(`0.5-point drop, 2,000 checkouts a day, 10% hold-out, 60 daily looks: ${pct(rate)} paused`);
  expect(rate).toBeLessThanOrEqual(0.1);
});

test("GIVEN a 0.5-point drop (within the 1-point threshold) at 10,000 checkouts a day with a 10% hold-out WHEN the guardrail looks daily for 60 days THEN at most 20% of 2,000 offers are paused", () => {
  const paused = pauseDays({ seed: 9, runs: 2000, days: 60, perDay: 10000, holdout: 0.1, dropPoints: 0.5 });
  const rate = rateBy(paused, 60);
  console.log(`0.5-point drop, 10,000 checkouts a day, 10% hold-out, 60 daily looks: ${pct(rate)} paused`);
  expect(rate).toBeLessThanOrEqual(0.2);
});

// Unit behaviour, on hand-made counts.

const day = (key: string, tr: number, tc: number, hr: number, hc: number): CompletionDay => ({
  day: key,
  treatedReached: tr,
  treatedCompleted: tc,
  holdoutReached: hr,
  holdoutCompleted: hc,
});

test("GIVEN no days WHEN the guardrail is computed THEN it is insufficient, with no decision day and an unbounded interval", () => {
  const g = completionGuardrail({ days: [] });
  expect(g).toMatchObject({ verdict: "insufficient", day: null, dayIndex: null, pValue: 1 });
  expect(g.intervalPoints).toEqual({ lower: -Infinity, upper: Infinity });
});

test("GIVEN a huge drop but only 60 hold-out checkouts WHEN the guardrail is computed THEN it is insufficient, not a pause", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 5000, 1000, 60, 50)] });
  expect(g.verdict).toBe("insufficient");
  expect(g.reason).toContain("fewer than 100 checkouts");
});

test("GIVEN 500 hold-out checkouts of which only 5 were abandoned WHEN the guardrail is computed THEN it is insufficient (too few outcomes for the normal approximation)", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 5000, 2500, 500, 495)] });
  expect(g.verdict).toBe("insufficient");
  expect(g.reason).toContain("abandoned");
});

test("GIVEN three days of a 5-point drop (55% vs 60%, 10% hold-out) WHEN the guardrail pauses THEN the day and evidence are those of the pausing day, cumulative, not of later days", () => {
  const d = (key: string) => day(key, 9000, 4950, 1000, 600);
  const g = completionGuardrail({ days: [d("2025-03-01"), d("2025-03-02"), d("2025-03-03")] });
  expect(g).toMatchObject({ verdict: "pause", day: "2025-03-02", dayIndex: 1, thresholdPoints: 1, alpha: 0.01 });
  expect(g.treated).toEqual({ reached: 18000, completed: 9900, rate: 0.55 });
  expect(g.holdout).toEqual({ reached: 2000, completed: 1200, rate: 0.6 });
  expect(g.differencePoints).toBeCloseTo(-5, 10);
});

test("GIVEN a paused offer WHEN its interval and p-value are read THEN the interval holds the observed difference and lies below 0, and the p-value is at most alpha", () => {
  const d = (key: string) => day(key, 9000, 4950, 1000, 600);
  const g = completionGuardrail({ days: [d("2025-03-01"), d("2025-03-02")] });
  expect(g.verdict).toBe("pause");
  expect(g.intervalPoints.lower).toBeLessThan(g.differencePoints);
  expect(g.differencePoints).toBeLessThan(g.intervalPoints.upper);
  expect(g.intervalPoints.upper).toBeLessThan(0);
  expect(g.pValue).toBeLessThanOrEqual(0.01);
  expect(g.reason).toContain("55.0% of 18,000 checkouts completed with the offer, 60.0% of 2,000 in the hold-out");
});

test("GIVEN one day of a 5-point drop (not yet proven) WHEN the guardrail is computed THEN it is ok on that day, with the interval still reaching above 0", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 9000, 4950, 1000, 600)] });
  expect(g).toMatchObject({ verdict: "ok", day: "2025-03-01", dayIndex: 0 });
  expect(g.intervalPoints.upper).toBeGreaterThan(0);
});

test("GIVEN a proven 0.8-point drop (200,000 checkouts a side) WHEN the threshold is 1 point THEN the offer is not paused: the drop is within the threshold", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 200000, 118400, 200000, 120000)] });
  expect(g.intervalPoints.upper).toBeLessThan(0);
  expect(g.verdict).toBe("ok");
  expect(g.reason).toContain("within the 1-point threshold");
});

test("GIVEN a proven 1.5-point drop (60,000 checkouts a side) WHEN the threshold is the default 1 point THEN the offer is paused", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 60000, 34500, 60000, 35400)] });
  expect(g.verdict).toBe("pause");
  expect(g.differencePoints).toBeCloseTo(-1.5, 10);
});

test("GIVEN the same proven 1.5-point drop WHEN the merchant's threshold is 2 points THEN the offer is not paused", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 60000, 34500, 60000, 35400)], thresholdPoints: 2 });
  expect(g.intervalPoints.upper).toBeLessThan(0);
  expect(g.verdict).toBe("ok");
});

test("GIVEN an offer that raises completion by 5 points WHEN the guardrail is computed THEN it is ok and the p-value of harm is 1", () => {
  const g = completionGuardrail({ days: [day("2025-03-01", 60000, 39000, 60000, 36000)] });
  expect(g.verdict).toBe("ok");
  expect(g.pValue).toBe(1);
  expect(g.reason).toContain("no proof that the offer lowers completion");
});

test("GIVEN more completed than reached checkouts WHEN the guardrail is computed THEN it throws a RangeError rather than judge bad counts", () => {
  expect(() => completionGuardrail({ days: [day("2025-03-01", 100, 101, 100, 50)] })).toThrow(RangeError);
});

test("GIVEN a variance and mixing scale WHEN the one-sided half-width is computed THEN the harm mixture equals 1 / alpha there, between the two-sided half-widths at 2 alpha and alpha", () => {
  const variance = 1e-4;
  const tau2 = 4e-4;
  const s = oneSidedHalfWidth(variance, tau2, 0.01);
  expect(harmPValue(-s, variance, tau2)).toBeCloseTo(0.01, 10);
  expect(s).toBeGreaterThan(confidenceSequenceHalfWidth(variance, tau2, 0.02));
  expect(s).toBeLessThan(confidenceSequenceHalfWidth(variance, tau2, 0.01));
});
