import { normalQuantile, normalSf } from "./special";

export interface Interval {
  lower: number;
  upper: number;
}

export interface Proportion extends Interval {
  estimate: number;
}

/**
 * Wilson score interval for x successes in n trials (no continuity correction): the take rate's
 * interval. It stays inside [0, 1] and behaves at small n and near 0, where the Wald interval fails.
 */
export function wilson(x: number, n: number, confidence = 0.95): Proportion {
  if (n <= 0) return { estimate: NaN, lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

export interface ProportionDifference extends Interval {
  /** p1 - p2. */
  estimate: number;
  /** Unpooled standard error (the interval's). */
  se: number;
  /** z statistic with the pooled standard error (the test's, under p1 = p2). */
  z: number;
  pValue: number;
}

/**
 * Difference of two proportions (arm 1 minus arm 2): Wald interval with the unpooled standard
 * error, two-sided z test with the pooled one (equal to Pearson's chi-square on the 2x2 table).
 */
export function diffProportions(x1: number, n1: number, x2: number, n2: number, confidence = 0.95): ProportionDifference {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const estimate = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pooled = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se0 > 0 ? estimate / se0 : 0;
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return { estimate, se, z, pValue: se0 > 0 ? 2 * normalSf(Math.abs(z)) : 1, lower: estimate - q * se, upper: estimate + q * se };
}
