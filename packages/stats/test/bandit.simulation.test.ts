import { describe, expect, test } from "vitest";
import { thompsonWeights, toBasisPoints, type BanditArm } from "../src/bandit";
import { binomialDraw, mulberry32, normalDraw } from "../src/random";
import { confidenceSequenceHalfWidth } from "../src/sequential";
import { studentTQuantile } from "../src/special";

const arm = (armId: string, visitors: number, revenueSum: number, revenueSumSq: number): BanditArm => ({
  armId,
  visitors,
  revenueSum,
  revenueSumSq,
});

/** Roll-ups of `visitors` visitors of whom `orders` ordered `orderValue` each (sums exact). */
const rollup = (armId: string, visitors: number, orders: number, orderValue: number): BanditArm =>
  arm(armId, visitors, orders * orderValue, orders * orderValue * orderValue);

const variantSum = (ws: readonly { weight: number }[]) => ws.reduce((s, w) => s + w.weight, 0);

describe("thompsonWeights and toBasisPoints", () => {
  const measured = [rollup("a", 20000, 1000, 6000), rollup("b", 20000, 1040, 6000), rollup("c", 20000, 980, 6100)];

  test("GIVEN three measured arms and a 10% hold-out WHEN the weights are computed THEN the variants' weights sum to 0.9", () => {
    const w = thompsonWeights(measured, { rng: mulberry32(1), holdoutShare: 0.1 });
    expect(variantSum(w)).toBeCloseTo(0.9, 12);
  });

  test("GIVEN one arm far ahead WHEN the weights are computed THEN every other arm keeps exactly the 5% floor and the leader gets the rest", () => {
    const arms = [rollup("a", 50000, 2500, 6000), rollup("b", 50000, 2500, 9000), rollup("c", 50000, 2500, 6000)];
    const w = thompsonWeights(arms, { rng: mulberry32(2), holdoutShare: 0.1, minShare: 0.05 });
    expect(w.map((x) => x.weight)).toEqual([0.05, 0.8, 0.05].map((x) => expect.closeTo(x, 12)));
  });

  test("GIVEN any arm data and floors WHEN the weights are computed THEN no arm is below the floor", () => {
    const random = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const k = 2 + Math.floor(random() * 4);
      const holdoutShare = Math.floor(random() * 5) / 10;
      const minShare = (random() * (1 - holdoutShare)) / k;
      const arms = Array.from({ length: k }, (_, j) =>
        rollup(`v${j}`, Math.floor(random() * 5000), Math.floor(random() * 100), 3000 + Math.floor(random() * 6000)),
      );
      const w = thompsonWeights(arms, { rng: random, holdoutShare, minShare, draws: 200 });
      for (const x of w) expect(x.weight).toBeGreaterThanOrEqual(minShare - 1e-12);
      expect(variantSum(w)).toBeCloseTo(1 - holdoutShare, 12);
    }
  });

  test("GIVEN a hold-out of 1,000 bp WHEN the weights are converted to the engine's integers THEN holdoutBps is 1,000 and the variants sum to exactly 9,000", () => {
    const split = toBasisPoints(thompsonWeights(measured, { rng: mulberry32(4), holdoutShare: 0.1 }), 1000);
    expect(split.holdoutBps).toBe(1000);
    expect(split.variants.reduce((s, v) => s + v.weight, 0)).toBe(9000);
    expect(split.variants.map((v) => v.id)).toEqual(["a", "b", "c"]);
  });

  test("GIVEN random shares and hold-outs WHEN converted to basis points THEN the hold-out is passed through, the sum is exact, and a 5% floor stays at least 500 bp", () => {
    const random = mulberry32(5);
    for (let i = 0; i < 500; i++) {
      const k = 1 + Math.floor(random() * 10);
      const holdoutBps = Math.floor(random() * 5001);
      const variantShare = 1 - holdoutBps / 10000;
      const minShare = Math.min(0.05, variantShare / k);
      const raw = Array.from({ length: k }, () => random());
      const rawSum = raw.reduce((s, x) => s + x, 0);
      const weights = raw.map((x, j) => ({
        armId: `v${j}`,
        weight: minShare + (variantShare - k * minShare) * (x / rawSum),
      }));
      const split = toBasisPoints(weights, holdoutBps);
      expect(split.holdoutBps).toBe(holdoutBps);
      expect(split.variants.reduce((s, v) => s + v.weight, 0)).toBe(10000 - holdoutBps);
      for (const v of split.variants) {
        expect(Number.isInteger(v.weight)).toBe(true);
        expect(v.weight).toBeGreaterThanOrEqual(Math.floor(minShare * 10000 + 1e-9));
        expect(v.weight).toBeLessThanOrEqual(10000);
      }
    }
  });

  test("GIVEN the same roll-ups and the same seed WHEN the weights are computed twice THEN they are identical", () => {
    const once = thompsonWeights(measured, { rng: mulberry32(42), holdoutShare: 0.1 });
    const twice = thompsonWeights(measured, { rng: mulberry32(42), holdoutShare: 0.1 });
    expect(twice).toEqual(once);
  });

  test("GIVEN two well-measured equal arms and a new arm with no data WHEN the weights are computed THEN the new arm gets at least an equal share", () => {
    const arms = [rollup("a", 30000, 1500, 6000), rollup("b", 30000, 1500, 6000), arm("new", 0, 0, 0)];
    const w = thompsonWeights(arms, { rng: mulberry32(6), holdoutShare: 0.1 });
    expect(w[2]!.weight).toBeGreaterThanOrEqual(0.9 / 3);
  });

  test("GIVEN no variant has a visitor yet WHEN the weights are computed THEN the split is exactly equal", () => {
    const arms = ["a", "b", "c"].map((id) => arm(id, 0, 0, 0));
    const w = thompsonWeights(arms, { rng: mulberry32(7), holdoutShare: 0.1 });
    expect(w.map((x) => x.weight)).toEqual([0.3, 0.3, 0.3]);
    expect(toBasisPoints(w, 1000).variants.map((v) => v.weight)).toEqual([3000, 3000, 3000]);
  });

  test("GIVEN an arm with visitors but no order yet WHEN the weights are computed THEN it keeps a small but non-zero chance of being best (its zero sample variance is not believed)", () => {
    // With its own sample variance (0) its posterior would be a point at 0 and P(best) exactly 0.
    const arms = [rollup("a", 100, 5, 6000), rollup("b", 100, 5, 6000), rollup("none", 100, 0, 0)];
    const w = thompsonWeights(arms, { rng: mulberry32(8), holdoutShare: 0.1, minShare: 0 });
    expect(w[2]!.probabilityBest).toBeGreaterThan(0.01);
  });

  test("GIVEN floors that do not fit in the variants' share WHEN the weights are computed THEN it throws a RangeError", () => {
    expect(() => thompsonWeights(measured, { rng: mulberry32(9), holdoutShare: 0.9, minShare: 0.05 })).toThrow(
      RangeError,
    );
  });
});

/**
 * Day-by-day simulation of automatic allocation. Per experiment: 2,000 visitors a day for 28 days;
 * each is in the hold-out with probability 10% (hashing, independent of the variants' weights, as
 * the engine does), else in a variant drawn with the day's published integer weights (normalized
 * among the variants, as the engine does). Revenue per visitor: an order with probability p, order
 * value log-normal (log-sd 0.6: the revenue model of simulation.test.ts), rounded to minor units.
 *   hold-out   p = 5.00%, mean order 6,000 -> 300.0 per visitor
 *   variant a  p = 5.00%, mean order 6,300 -> 315.0 (+5%: bigger orders)
 *   variant b  p = 5.25%, mean order 6,000 -> 315.0 (+5%: more orders)
 *   variant c  p = 5.50%, mean order 6,300 -> 346.5 (+10% over a and b: the best arm)
 * Day 1 is split equally (no data); the weights for day d come from the cumulative roll-ups of days
 * 1..d-1 only (the roll-up of day d is not complete when day d's weights are published).
 * The generator draws from its own seeded stream; the bandit has another. Nothing from the code
 * under test shapes the data except the allocation (which arm each visitor lands in).
 */
const RUNS = 500;
const DAYS = 28;
const VISITORS_PER_DAY = 2000;
const HOLDOUT_BPS = 1000;
const SIGMA = 0.6;
const MDE = 15; // 5% of the hold-out's 300 per visitor: tau of the always-valid confidence sequence
const HOLDOUT = { p: 0.05, order: 6000 };
const VARIANTS = [
  { id: "a", p: 0.05, order: 6300 },
  { id: "b", p: 0.0525, order: 6000 },
  { id: "c", p: 0.055, order: 6300 },
];
const BEST = 2;
const rpv = (a: { p: number; order: number }) => a.p * a.order;
const MU_H = rpv(HOLDOUT);
const MU = VARIANTS.map(rpv);
const MU_BEST = MU[BEST]!;
const MU_EQUAL = MU.reduce((s, x) => s + x, 0) / MU.length;

interface Acc {
  n: number;
  sum: number;
  sumSq: number;
}

interface RunResult {
  /** Best arm's share of variant traffic in the published weights, per day (index 0 = day 1). */
  bestShare: number[];
  /** Expected revenue lost against always showing the best arm (sum over visitors of mu_best - mu_arm). */
  regret: number;
  /** The same for a fixed equal split over the same variant visitors. */
  equalRegret: number;
  /** Every daily look's always-valid interval held the delivered lift. */
  sequentialCoveredAll: boolean;
  /** Day-28 estimate, its standard error and the delivered lift then. */
  estimate: number;
  se: number;
  delivered: number;
}

function day(random: () => number, n: number, p: number, order: number): Acc {
  const mu = Math.log(order) - (SIGMA * SIGMA) / 2;
  const orders = binomialDraw(random, n, p);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < orders; i++) {
    const v = Math.round(Math.exp(mu + SIGMA * normalDraw(random)));
    sum += v;
    sumSq += v * v;
  }
  return { n, sum, sumSq };
}

function run(seed: number): RunResult {
  const data = mulberry32(seed);
  const bandit = mulberry32(seed ^ 0x5bd1e995);
  const variants: Acc[] = VARIANTS.map(() => ({ n: 0, sum: 0, sumSq: 0 }));
  const holdout: Acc = { n: 0, sum: 0, sumSq: 0 };
  const bestShare: number[] = [];
  let regret = 0;
  let equalRegret = 0;
  let expectedTreated = 0; // sum over variant visitors of their arm's true revenue per visitor
  let sequentialCoveredAll = true;
  let estimate = NaN;
  let se = NaN;
  let delivered = NaN;
  for (let d = 0; d < DAYS; d++) {
    // Allocation: from the roll-ups of the previous days only.
    const weights = thompsonWeights(
      VARIANTS.map((v, i) => ({
        armId: v.id,
        visitors: variants[i]!.n,
        revenueSum: variants[i]!.sum,
        revenueSumSq: variants[i]!.sumSq,
      })),
      { rng: bandit, holdoutShare: HOLDOUT_BPS / 10000, minShare: 0.05, draws: 1000 },
    );
    const split = toBasisPoints(weights, HOLDOUT_BPS);
    const w = split.variants.map((v) => v.weight);
    const wSum = w.reduce((s, x) => s + x, 0);
    bestShare.push(w[BEST]! / wSum);

    // Traffic: hold-out by its fixed share, then a variant by the published integer weights.
    const counts = VARIANTS.map(() => 0);
    let held = 0;
    for (let i = 0; i < VISITORS_PER_DAY; i++) {
      if (data() * 10000 < split.holdoutBps) {
        held++;
        continue;
      }
      let u = data() * wSum;
      let k = 0;
      while (k < w.length - 1 && u >= w[k]!) u -= w[k++]!;
      counts[k]!++;
    }

    // Outcomes from the truth, and the roll-ups.
    const h = day(data, held, HOLDOUT.p, HOLDOUT.order);
    holdout.n += h.n;
    holdout.sum += h.sum;
    holdout.sumSq += h.sumSq;
    VARIANTS.forEach((v, i) => {
      const r = day(data, counts[i]!, v.p, v.order);
      const acc = variants[i]!;
      acc.n += r.n;
      acc.sum += r.sum;
      acc.sumSq += r.sumSq;
      regret += r.n * (MU_BEST - MU[i]!);
      equalRegret += r.n * (MU_BEST - MU_EQUAL);
      expectedTreated += r.n * MU[i]!;
    });

    // The hold-out comparison: every variant visitor pooled (treated) against the hold-out.
    const t = variants.reduce((a, v) => ({ n: a.n + v.n, sum: a.sum + v.sum, sumSq: a.sumSq + v.sumSq }), {
      n: 0,
      sum: 0,
      sumSq: 0,
    });
    const mT = t.sum / t.n;
    const mH = holdout.sum / holdout.n;
    const vT = (t.sumSq - t.sum * mT) / (t.n - 1);
    const vH = (holdout.sumSq - holdout.sum * mH) / (holdout.n - 1);
    estimate = mT - mH;
    se = Math.sqrt(vT / t.n + vH / holdout.n);
    delivered = expectedTreated / t.n - MU_H;
    if (Math.abs(estimate - delivered) > confidenceSequenceHalfWidth(se * se, MDE * MDE, 0.05))
      sequentialCoveredAll = false;
  }
  return { bestShare, regret, equalRegret, sequentialCoveredAll, estimate, se, delivered };
}

let memo: RunResult[] | undefined;
const results = (): RunResult[] => (memo ??= Array.from({ length: RUNS }, (_, r) => run(20260501 + r)));

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe("automatic allocation, day by day (3 variants, one truly +10% revenue per visitor, 10% hold-out)", () => {
  /**
   * The claim, measured as: the best arm's share of the variants' traffic in the weights published
   * for day 14 (computed from the roll-ups of days 1-13), i.e. its integer weight over the variants'
   * 9,000 bp. With the 5% floor on each of the two other arms the most it can get is 8,000 / 9,000
   * = 88.9%. A fair split gives it 33.3%.
   * Why not "70% by day 14" in most runs: revenue per visitor here has a coefficient of variation
   * of about 5.3 (5% convert, log-sd 0.6), so after 13 days of roughly 600 visitors per arm a day
   * the best arm's +10% (31.5 per visitor) is about 1.1 standard errors of the difference from
   * each other arm. No honest posterior is sure of the winner by then; the median is near 70% and
   * it passes 70% by day 28 (next test).
   */
  test("GIVEN 500 simulated experiments WHEN the weights for day 14 are published THEN the best arm gets a median of at least 65% of the variants' traffic, and more than its equal third in 80% of runs", () => {
    const shares = results().map((r) => r.bestShare[13]!);
    const m = median(shares);
    const atLeast70 = shares.filter((s) => s >= 0.7).length / shares.length;
    const aboveThird = shares.filter((s) => s > 1 / 3).length / shares.length;
    console.log(
      `bandit day 14: best arm's share of variant traffic median ${pct(m)}, >= 70% in ${pct(atLeast70)} of runs, > 1/3 in ${pct(aboveThird)} of runs (cap 88.9%)`,
    );
    expect(m).toBeGreaterThanOrEqual(0.65);
    expect(aboveThird).toBeGreaterThanOrEqual(0.8);
  });

  test("GIVEN 500 simulated experiments WHEN the weights for day 28 are published THEN the best arm gets a median of at least 70% of the variants' traffic", () => {
    const shares = results().map((r) => r.bestShare[27]!);
    const m = median(shares);
    const atLeast70 = shares.filter((s) => s >= 0.7).length / shares.length;
    console.log(
      `bandit day 28: best arm's share of variant traffic median ${pct(m)}, >= 70% in ${pct(atLeast70)} of runs`,
    );
    expect(m).toBeGreaterThanOrEqual(0.7);
  });

  /**
   * Regret: the expected revenue a policy gives up against showing every variant visitor the best
   * arm, sum over variant visitors of (mu_best - mu_of_their_arm), with the true means (expected,
   * so the outcome noise does not blur the comparison). The fixed equal split's regret is taken
   * over the same variant visitors.
   */
  test("GIVEN 500 simulated experiments WHEN 28 days of variant traffic are allocated THEN the cumulative regret is well below a fixed equal split's", () => {
    const rs = results();
    const regret = rs.reduce((s, r) => s + r.regret, 0) / rs.length;
    const equal = rs.reduce((s, r) => s + r.equalRegret, 0) / rs.length;
    const better = rs.filter((r) => r.regret < r.equalRegret).length / rs.length;
    const visitors = DAYS * VISITORS_PER_DAY * (1 - HOLDOUT_BPS / 10000);
    console.log(
      `bandit regret over ${DAYS} days (mean per experiment, minor units): Thompson ${regret.toFixed(0)} vs equal split ${equal.toFixed(0)} (ratio ${(regret / equal).toFixed(2)}; ${((equal - regret) / visitors).toFixed(2)} more per variant visitor); lower than the equal split in ${pct(better)} of runs`,
    );
    expect(regret / equal).toBeLessThan(0.75);
    expect(better).toBeGreaterThanOrEqual(0.9);
  });

  /**
   * The hold-out comparison under adaptive allocation. The estimand: the lift actually delivered,
   *   delivered_d = (sum over variant visitors so far of their arm's true revenue per visitor) / (their count) - mu_holdout,
   * the traffic-weighted expected lift of the variants as they were shown. It moves from day to day
   * as traffic shifts towards the winner, so it is not "the" lift of any one arm, nor the lift an
   * equal split would have had. Why the pooled comparison is unbiased for it: the hold-out is a
   * fixed-share random draw, independent of the weights and of every outcome; and on each day the
   * treated visitors' revenue minus n_k,d mu_k is mean zero given the past (the weights are fixed
   * before the day), so the treated sum minus its delivered expectation is a martingale. The pooled
   * sample variance also holds the between-arm spread, so the standard error is if anything
   * conservative. Because the target moves, each look's confidence-sequence interval is checked
   * against that look's estimand; intersecting the looks (as sequentialTest does for a fixed
   * target) would not be meaningful here.
   */
  test("GIVEN 500 simulated experiments WHEN the pooled variants are compared with the hold-out every day THEN the always-valid interval covers the delivered lift at every look in at least 93% of runs", () => {
    const rs = results();
    const covered = rs.filter((r) => r.sequentialCoveredAll).length / rs.length;
    console.log(
      `bandit hold-out comparison: always-valid (mSPRT, tau ${MDE}) interval covered the delivered lift at all ${DAYS} daily looks in ${pct(covered)} of runs`,
    );
    expect(covered).toBeGreaterThanOrEqual(0.93);
  });

  test("GIVEN 500 simulated experiments WHEN the pooled variants are compared with the hold-out on day 28 THEN the estimate is centred on the delivered lift and the fixed 95% interval covers it about 95% of the time", () => {
    const rs = results();
    const z = rs.map((r) => (r.estimate - r.delivered) / r.se);
    const meanZ = z.reduce((s, x) => s + x, 0) / z.length;
    const q = studentTQuantile(0.975, Infinity);
    const covered = z.filter((x) => Math.abs(x) <= q).length / z.length;
    const lift = rs.reduce((s, r) => s + r.delivered, 0) / rs.length;
    console.log(
      `bandit hold-out comparison, day 28: mean delivered lift ${lift.toFixed(1)} per visitor (${pct(lift / MU_H)}); mean standardized error ${meanZ.toFixed(3)}; fixed 95% interval coverage ${pct(covered)}`,
    );
    // Mean of 500 standardized errors: standard error 0.045 when unbiased.
    expect(Math.abs(meanZ)).toBeLessThan(0.15);
    expect(covered).toBeGreaterThanOrEqual(0.92);
  });
});

/**
 * The classic A/B case the issue asks about: 2 variants, one truly +10% revenue per visitor, a 10%
 * hold-out, 2,000 visitors a day, same revenue model and day-by-day allocation as above.
 *   hold-out   p = 5.0%, mean order 6,000 -> 300 per visitor
 *   variant a  p = 5.0%, mean order 6,000 -> 300
 *   variant b  p = 5.5%, mean order 6,000 -> 330 (+10%: the better arm)
 * The claim measured: the better arm's share of the variants' traffic in the weights published for
 * day 14 (from days 1-13) and for day 15 (from 14 full days). With the 5% floor on the other arm
 * the most it can get is 8,500 / 9,000 = 94.4%; a fair split gives it 50%. Per arm and day about
 * 900 visitors, so after 13 days the +30 per visitor is about 1.4 standard errors of the difference
 * (coefficient of variation about 5.3): P(b best) near Phi(1.4) = 0.92 in a typical run, weight
 * 0.05 + 0.80 x 0.92 = 0.79 of all traffic = 87% of the variants'. With two arms the evidence is
 * not split three ways, which is why this case gets there by day 14 and the 3-arm case above not.
 */
const AB = [
  { id: "a", p: 0.05, order: 6000 },
  { id: "b", p: 0.055, order: 6000 },
];
const AB_BEST = 1;
const AB_DAYS = 15;

function runAB(seed: number): number[] {
  const data = mulberry32(seed);
  const bandit = mulberry32(seed ^ 0x5bd1e995);
  const acc: Acc[] = AB.map(() => ({ n: 0, sum: 0, sumSq: 0 }));
  const bestShare: number[] = [];
  for (let d = 0; d < AB_DAYS; d++) {
    const weights = thompsonWeights(
      AB.map((v, i) => ({ armId: v.id, visitors: acc[i]!.n, revenueSum: acc[i]!.sum, revenueSumSq: acc[i]!.sumSq })),
      { rng: bandit, holdoutShare: HOLDOUT_BPS / 10000, minShare: 0.05, draws: 1000 },
    );
    const w = toBasisPoints(weights, HOLDOUT_BPS).variants.map((v) => v.weight);
    const wSum = w.reduce((s, x) => s + x, 0);
    bestShare.push(w[AB_BEST]! / wSum);
    const counts = AB.map(() => 0);
    for (let i = 0; i < VISITORS_PER_DAY; i++) {
      if (data() * 10000 < HOLDOUT_BPS) continue; // the hold-out's outcomes do not move the weights
      counts[data() * wSum < w[0]! ? 0 : 1]!++;
    }
    AB.forEach((v, i) => {
      const r = day(data, counts[i]!, v.p, v.order);
      acc[i]!.n += r.n;
      acc[i]!.sum += r.sum;
      acc[i]!.sumSq += r.sumSq;
    });
  }
  return bestShare;
}

let abMemo: number[][] | undefined;
const abResults = (): number[][] => (abMemo ??= Array.from({ length: RUNS }, (_, r) => runAB(20261203 + r)));

describe("automatic allocation, classic A/B (2 variants, one truly +10%, 10% hold-out, 2,000 visitors a day)", () => {
  test("GIVEN 500 simulated A/B experiments WHEN the weights for day 14 are published THEN the better arm gets a median of at least 70% of the variants' traffic, and at least 70% of it in three runs out of four", () => {
    const shares = abResults().map((r) => r[13]!);
    const m = median(shares);
    const atLeast70 = shares.filter((s) => s >= 0.7).length / shares.length;
    const aboveHalf = shares.filter((s) => s > 0.5).length / shares.length;
    const day15 = abResults().map((r) => r[14]!);
    console.log(
      `bandit A/B day 14: better arm's share of variant traffic median ${pct(m)}, >= 70% in ${pct(atLeast70)} of runs, > 1/2 in ${pct(aboveHalf)} of runs (cap 94.4%); day 15 (14 full days): median ${pct(median(day15))}, >= 70% in ${pct(day15.filter((s) => s >= 0.7).length / day15.length)} of runs`,
    );
    // Measured (seeds 20261203..): median 87.0%, >= 70% in 80.6% of runs, > 1/2 in 92.0%.
    expect(m).toBeGreaterThanOrEqual(0.7);
    expect(atLeast70).toBeGreaterThanOrEqual(0.75);
    expect(aboveHalf).toBeGreaterThanOrEqual(0.85);
  });
});
