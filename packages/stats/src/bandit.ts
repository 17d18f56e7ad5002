import { normalDraw } from "./random";

/**
 * Automatic allocation ("traffic that flows to winners"): Thompson sampling over an experiment's
 * variant arms on revenue per visitor, from the same daily roll-ups the verdict reads (visitors,
 * revenue sum and sum of squares, minor units). The hold-out is not an arm here: its share is the
 * merchant's, fixed, and passed through untouched, so the hold-out comparison (all variants pooled
 * against the hold-out) stays a randomized comparison at a constant share and keeps measuring the
 * incremental lift while the variants' split moves.
 */
export interface BanditArm {
  armId: string;
  /** Visitors (exposed journeys) so far. */
  visitors: number;
  /** Revenue over those visitors, minor units. */
  revenueSum: number;
  /** Sum over visitors of revenue squared. */
  revenueSumSq: number;
}

export interface ThompsonOptions {
  /** Uniform source in [0, 1): a seeded one (mulberry32) makes the weights reproducible. */
  rng: () => number;
  /** The hold-out's share of all traffic (0..1), e.g. holdoutBps / 10000; the variants share the rest. */
  holdoutShare: number;
  /** Monte Carlo draws from the posteriors (default 2,000: P(best) to about +-1 point). */
  draws?: number;
  /**
   * Floor per variant arm, as a share of all traffic (default 0.05): no arm is starved, so every
   * arm keeps being measured and a wrongly written-off arm can come back.
   */
  minShare?: number;
  /** Strength of the prior, in visitors (default 100): weak next to a day of traffic. */
  priorVisitors?: number;
}

export interface ArmWeight {
  armId: string;
  /** Share of all traffic (the variants' weights sum to 1 - holdoutShare). */
  weight: number;
  /** Posterior probability that this arm has the highest revenue per visitor (Monte Carlo). */
  probabilityBest: number;
}

/**
 * Thompson-sampling weights: weight_k = minShare + (1 - holdoutShare - K minShare) P(arm k is best),
 * with P(best) estimated from `draws` joint draws of the arms' posterior means. The variants' weights
 * sum to 1 - holdoutShare (up to rounding in the last bit) and each is at least minShare.
 *
 * The posterior, and why it is honest for revenue per visitor. The outcome is zero-inflated (95%+
 * of visitors buy nothing) and heavy-tailed (order values), and the roll-ups keep only n, sum and
 * sum of squares, so a Beta-Bernoulli model (conversion only) or a Bayesian bootstrap (it needs each
 * visitor's value) is out. What the roll-ups do support is the mean itself: with hundreds of
 * visitors a day per arm the arm's mean is close to normal (central limit theorem), with variance
 * sigma^2 / n. So each arm's mean is drawn from
 *   N( (n0 m0 + sum_k) / (n0 + n_k),  s_k^2 / (n0 + n_k) ),  s_k^2 = max(sample variance_k, v0)
 * where m0 and v0 are the mean and sample variance of all variant visitors pooled, and n0 is
 * `priorVisitors`: a weak prior centred on the pooled mean, worth 100 visitors against the
 * thousands a day brings. Two deliberate choices:
 *  - An arm's own sample variance is used only when it is larger than the pooled one. In a small
 *    sample of a zero-inflated, heavy-tailed outcome the sample variance is biased low (the big
 *    orders have not happened yet; with no order at all it is 0), which would make a barely-seen
 *    arm look certain: the known way a normal-approximation Thompson sampler locks onto a lucky arm
 *    or writes off an unlucky one. The pooled variance (which also holds the between-arm spread)
 *    is a conservative floor; once arms have data their own larger variances take over.
 *  - An arm with no data yet gets the prior: centred on the pooled mean, as wide as v0 / n0, so it
 *    is optimistic relative to well-measured arms and gets a fair share of traffic to prove itself.
 * If no variant has a visitor, or no variant has any revenue variance yet, the split is equal.
 */
export function thompsonWeights(arms: readonly BanditArm[], opts: ThompsonOptions): ArmWeight[] {
  const k = arms.length;
  const draws = opts.draws ?? 2000;
  const minShare = opts.minShare ?? 0.05;
  const n0 = opts.priorVisitors ?? 100;
  const variantShare = 1 - opts.holdoutShare;
  if (k === 0) throw new RangeError("no arms");
  if (!(opts.holdoutShare >= 0 && opts.holdoutShare <= 1)) throw new RangeError("holdoutShare must be in [0, 1]");
  if (!(minShare >= 0) || k * minShare > variantShare + 1e-12)
    throw new RangeError("minShare times the arms exceeds the variants' share");
  if (!(draws >= 1) || !Number.isInteger(draws)) throw new RangeError("draws must be a positive integer");
  if (!(n0 > 0)) throw new RangeError("priorVisitors must be positive");
  for (const a of arms) {
    if (!(a.visitors >= 0) || !Number.isFinite(a.revenueSum) || !(a.revenueSumSq >= 0))
      throw new RangeError(`arm ${a.armId}: invalid sums`);
  }

  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const a of arms) {
    n += a.visitors;
    sum += a.revenueSum;
    sumSq += a.revenueSumSq;
  }
  const m0 = n > 0 ? sum / n : 0;
  const v0 = n > 1 ? Math.max(0, (sumSq - sum * m0) / (n - 1)) : 0;

  let pBest: number[];
  if (!(v0 > 0)) {
    pBest = arms.map(() => 1 / k);
  } else {
    const centre: number[] = [];
    const spread: number[] = [];
    for (const a of arms) {
      const mean = a.visitors > 0 ? a.revenueSum / a.visitors : 0;
      const own = a.visitors > 1 ? Math.max(0, (a.revenueSumSq - a.revenueSum * mean) / (a.visitors - 1)) : 0;
      centre.push((n0 * m0 + a.revenueSum) / (n0 + a.visitors));
      spread.push(Math.sqrt(Math.max(own, v0) / (n0 + a.visitors)));
    }
    const wins = new Array<number>(k).fill(0);
    for (let d = 0; d < draws; d++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let i = 0; i < k; i++) {
        const value = centre[i]! + spread[i]! * normalDraw(opts.rng);
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      wins[best]!++;
    }
    pBest = wins.map((w) => w / draws);
  }
  const free = Math.max(0, variantShare - k * minShare);
  return arms.map((a, i) => ({ armId: a.armId, weight: minShare + free * pBest[i]!, probabilityBest: pBest[i]! }));
}

/** The integer split the engine assigns by (model.ts `experimentSpec`: `holdoutBps`, variant `weight`). */
export interface BasisPointSplit {
  holdoutBps: number;
  variants: { id: string; weight: number }[];
}

/**
 * Converts shares of all traffic to the engine's integers. The engine takes the hold-out as
 * `holdoutBps` (basis points of all buyers, hashed apart from the variants) and the variants as
 * relative integer weights (0..10000, 0 = paused) that it normalizes among themselves. Writing the
 * variants in basis points of all traffic, summing exactly to 10000 - holdoutBps, makes each
 * weight read directly as the arm's share of all buyers; `holdoutBps` is passed through unchanged
 * (re-weighting must never move the hold-out). Rounding is by largest remainder (ties to the
 * earlier arm), so no weight is below floor(share * 10000): a minShare of 0.05 stays >= 500 bp.
 */
export function toBasisPoints(
  weights: readonly Pick<ArmWeight, "armId" | "weight">[],
  holdoutBps: number,
): BasisPointSplit {
  if (!Number.isInteger(holdoutBps) || holdoutBps < 0 || holdoutBps > 10000)
    throw new RangeError("holdoutBps must be an integer in 0..10000");
  const total = 10000 - holdoutBps;
  const shareSum = weights.reduce((s, w) => s + Math.max(0, w.weight), 0);
  if (weights.length === 0) return { holdoutBps, variants: [] };
  const exact = weights.map((w) =>
    shareSum > 0 ? (Math.max(0, w.weight) / shareSum) * total : total / weights.length,
  );
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) out[order[j]!.i]!++;
  return { holdoutBps, variants: weights.map((w, i) => ({ id: w.armId, weight: out[i]! })) };
}
