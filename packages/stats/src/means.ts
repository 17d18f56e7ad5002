import { studentTQuantile, studentTTwoSided } from "./special";
import type { Interval } from "./proportions";

/**
 * An arm as sufficient statistics: what the daily roll-ups store (count, sum, sum of squares of the
 * outcome y, revenue per visitor). Optionally the same for a pre-exposure covariate x (the cart
 * value at exposure, minor units) and the cross products, for regression adjustment (CUPED, see
 * ./cuped). The covariate fields are all present or all absent; absent means no adjustment.
 */
export interface Sums {
  n: number;
  sum: number;
  sumSq: number;
  /** Sum of the covariate x over the visitors. */
  xSum?: number;
  /** Sum of x^2. */
  xSq?: number;
  /** Sum of x * y. */
  xySum?: number;
  /** Visitors with a non-zero outcome (converters), when known: gates the first look. */
  converters?: number;
}

/** One day of one arm, as the roll-ups store it (the dashboard's name for `Sums`). */
export type DaySums = Sums;

/** Sums that carry the covariate fields. */
export type CovariateSums = Required<Omit<Sums, "converters">>;

export const hasCovariate = (s: Sums): s is CovariateSums =>
  s.xSum !== undefined && s.xSq !== undefined && s.xySum !== undefined;

export interface Summary {
  n: number;
  mean: number;
  /** Sample variance (n - 1 denominator). */
  variance: number;
}

export const emptySums = (): Sums => ({ n: 0, sum: 0, sumSq: 0 });

/** Adds two sums; the covariate fields are kept only when both sides carry them. */
export const addSums = (a: Sums, b: Sums): Sums =>
  hasCovariate(a) && hasCovariate(b)
    ? { n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq, xSum: a.xSum + b.xSum, xSq: a.xSq + b.xSq, xySum: a.xySum + b.xySum }
    : { n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq };

export function summarize(s: Sums): Summary {
  const mean = s.n > 0 ? s.sum / s.n : NaN;
  // sumSq - n * mean^2 can dip below zero by rounding when every value is equal.
  const variance = s.n > 1 ? Math.max(0, (s.sumSq - s.sum * mean) / (s.n - 1)) : NaN;
  return { n: s.n, mean, variance };
}

export function sumsOf(values: readonly number[]): Sums {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return { n: values.length, sum, sumSq };
}

/** Exact two-pass summary of raw values (the references' way). */
export function summaryOf(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / (n - 1) : NaN;
  return { n, mean, variance };
}

export interface WelchResult extends Interval {
  /** mean1 - mean2 */
  estimate: number;
  se: number;
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
}

/** Welch's t interval and test for the difference of two means (arm 1 minus arm 2). */
export function welch(a: Summary, b: Summary, confidence = 0.95): WelchResult {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const estimate = a.mean - b.mean;
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const t = estimate / se;
  if (!(se > 0) || !Number.isFinite(df)) {
    return { estimate, se, t: NaN, df: NaN, pValue: NaN, lower: NaN, upper: NaN };
  }
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return { estimate, se, t, df, pValue: studentTTwoSided(t, df), lower: estimate - q * se, upper: estimate + q * se };
}

export interface RelativeLift extends Interval {
  /** mean1 / mean2 - 1 */
  estimate: number;
}

/**
 * Relative lift of arm 1 over arm 2 with a delta-method interval on the ratio of independent
 * means (normal quantile): what "+8% revenue per visitor" and its interval mean.
 */
export function relativeLift(a: Summary, b: Summary, confidence = 0.95): RelativeLift {
  const ratio = a.mean / b.mean;
  const cv2 = a.variance / a.n / (a.mean * a.mean) + b.variance / b.n / (b.mean * b.mean);
  const q = studentTQuantile(1 - (1 - confidence) / 2, Infinity);
  const half = q * Math.abs(ratio) * Math.sqrt(cv2);
  return { estimate: ratio - 1, lower: ratio - 1 - half, upper: ratio - 1 + half };
}
