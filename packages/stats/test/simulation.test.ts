import { expect, test } from "vitest";
import { binomialDraw, diffProportions, experimentVerdict, mulberry32, normalDraw, welch, summarize, addSums, emptySums, type Sums } from "../src";

const EXPERIMENTS = 2000;
const DAYS = 30;

interface Rates {
  sequential: number;
  naive: number;
}

/**
 * A/A experiments: both arms draw from the same distribution, so every "significant" result is a
 * false positive. Each experiment is looked at after every day; it counts as a false positive if
 * any look declares a difference. Sufficient statistics per day keep 2,000 x 30 looks fast.
 */
function simulate(seed: number, visitorsPerDay: number, draw: (random: () => number, n: number) => Sums, mde: number, naiveTest: (c: Sums, t: Sums) => number): Rates {
  const random = mulberry32(seed);
  let sequentialHits = 0;
  let naiveHits = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    const control: Sums[] = [];
    const treatment: Sums[] = [];
    let naiveFired = false;
    let c = emptySums();
    let t = emptySums();
    for (let day = 0; day < DAYS; day++) {
      const dc = draw(random, visitorsPerDay);
      const dt = draw(random, visitorsPerDay);
      control.push(dc);
      treatment.push(dt);
      c = addSums(c, dc);
      t = addSums(t, dt);
      if (!naiveFired && naiveTest(c, t) < 0.05) naiveFired = true;
    }
    // experimentVerdict runs the mSPRT over every daily look: a win or loss at any look sticks,
    // because the always-valid p-value is the running minimum.
    const v = experimentVerdict({ control, treatment, mde, minPerArm: 0 });
    if (v.kind === "winner" || v.kind === "loser") sequentialHits++;
    if (naiveFired) naiveHits++;
  }
  return { sequential: sequentialHits / EXPERIMENTS, naive: naiveHits / EXPERIMENTS };
}

test("GIVEN 2,000 A/A experiments on a 10% take rate, 200 buyers per arm a day, looked at daily for 30 days WHEN each look is tested THEN the sequential test's false-positive rate stays at or below 5% while the naive daily z-test's does not", () => {
  const p = 0.1;
  const bernoulli = (random: () => number, n: number): Sums => {
    const x = binomialDraw(random, n, p);
    return { n, sum: x, sumSq: x };
  };
  const rates = simulate(20261124, 200, bernoulli, 0.1 * p, (c, t) => diffProportions(t.sum, t.n, c.sum, c.n).pValue);
  console.log(`A/A take rate: sequential (mSPRT) false-positive rate ${(rates.sequential * 100).toFixed(2)}%, naive daily z-test ${(rates.naive * 100).toFixed(2)}%`);
  expect(rates.sequential).toBeLessThanOrEqual(0.05);
  expect(rates.naive).toBeGreaterThan(0.1);
});

test("GIVEN 2,000 A/A experiments on revenue per visitor (5% convert, log-normal order values) WHEN looked at daily for 30 days THEN the sequential test's false-positive rate stays at or below 5% while the naive daily Welch test's does not", () => {
  const revenue = (random: () => number, n: number): Sums => {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      if (random() >= 0.05) continue;
      const value = Math.round(6000 * Math.exp(0.6 * normalDraw(random) - 0.18));
      sum += value;
      sumSq += value * value;
    }
    return { n, sum, sumSq };
  };
  const rates = simulate(7, 400, revenue, 30, (c, t) => welch(summarize(t), summarize(c)).pValue);
  console.log(`A/A revenue per visitor: sequential (mSPRT) false-positive rate ${(rates.sequential * 100).toFixed(2)}%, naive daily Welch test ${(rates.naive * 100).toFixed(2)}%`);
  expect(rates.sequential).toBeLessThanOrEqual(0.05);
  expect(rates.naive).toBeGreaterThan(0.1);
});
