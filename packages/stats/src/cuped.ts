import type { CovariateSums } from "./means";

/**
 * CUPED / regression adjustment (Deng, Xu, Kohavi and Walker, "Improving the sensitivity of online
 * controlled experiments by utilizing pre-experiment data", WSDM 2013) from sufficient statistics.
 *
 * y is the outcome (revenue per visitor), x a covariate fixed before exposure (the cart value at
 * exposure), so the treatment cannot move it and its mean is the same in both arms by
 * randomization. With theta = cov(x, y) / var(x), pooled within arms across both arms,
 *   adjusted mean of an arm = mean(y) - theta * (mean(x) - pooled mean(x))
 * is unbiased for the arm's mean of y (up to O(1/n) from estimating theta), and its variance is
 *   var(y - theta x) / n = (var(y) - 2 theta cov(x, y) + theta^2 var(x)) / n,
 * smaller than var(y) / n by the factor 1 - rho^2 when the arms share the correlation rho.
 */
export interface AdjustedArm {
  n: number;
  /** Plain mean of y. */
  mean: number;
  /** Covariate-adjusted mean of y (at the pooled mean of x). */
  adjustedMean: number;
  /** Variance of the plain mean: var(y) / n. */
  meanVariance: number;
  /** Variance of the adjusted mean: var(y - theta x) / n. */
  adjustedMeanVariance: number;
}

export interface CupedResult {
  /** Pooled regression slope of y on x. */
  theta: number;
  control: AdjustedArm;
  treatment: AdjustedArm;
  /** Adjusted treatment mean minus adjusted control mean. */
  difference: number;
  /** Its variance. */
  variance: number;
  /** Variance of the plain difference of means. */
  unadjustedVariance: number;
  /** 1 - variance / unadjustedVariance: the share of the variance the covariate removed. */
  varianceReduction: number;
  /** Pooled within-arm correlation of x and y. */
  correlation: number;
}

interface Centered {
  n: number;
  my: number;
  mx: number;
  syy: number;
  sxx: number;
  sxy: number;
}

// Centered sums of squares and products of one arm (sumSq - n mean^2 and the like).
function centered(s: CovariateSums): Centered {
  const my = s.sum / s.n;
  const mx = s.xSum / s.n;
  return {
    n: s.n,
    my,
    mx,
    syy: Math.max(0, s.sumSq - s.sum * my),
    sxx: Math.max(0, s.xSq - s.xSum * mx),
    sxy: s.xySum - s.xSum * my,
  };
}

/** CUPED adjustment of two arms (both with at least two visitors) with a pooled theta. */
export function cuped(control: CovariateSums, treatment: CovariateSums): CupedResult {
  const c = centered(control);
  const t = centered(treatment);
  const sxx = c.sxx + t.sxx;
  const sxy = c.sxy + t.sxy;
  const syy = c.syy + t.syy;
  const theta = sxx > 0 ? sxy / sxx : 0;
  const pooledX = (control.xSum + treatment.xSum) / (c.n + t.n);
  const arm = (a: Centered): AdjustedArm => {
    const varY = a.syy / (a.n - 1);
    const varResidual = Math.max(0, (a.syy - 2 * theta * a.sxy + theta * theta * a.sxx) / (a.n - 1));
    return {
      n: a.n,
      mean: a.my,
      adjustedMean: a.my - theta * (a.mx - pooledX),
      meanVariance: varY / a.n,
      adjustedMeanVariance: varResidual / a.n,
    };
  };
  const ac = arm(c);
  const at = arm(t);
  const variance = ac.adjustedMeanVariance + at.adjustedMeanVariance;
  const unadjustedVariance = ac.meanVariance + at.meanVariance;
  return {
    theta,
    control: ac,
    treatment: at,
    difference: at.adjustedMean - ac.adjustedMean,
    variance,
    unadjustedVariance,
    varianceReduction: unadjustedVariance > 0 ? 1 - variance / unadjustedVariance : 0,
    correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0,
  };
}
