import type { Interval } from "./proportions";

/**
 * Mixture sequential probability ratio test with a normal mixture (Johari, Koomen, Pekelis and
 * Walsh, "Peeking at A/B tests", KDD 2017 and Operations Research 2022): an always-valid p-value
 * for the difference of two means (or proportions) that may be looked at after every day
 * without inflating the false-positive rate.
 *
 * With theta the observed difference, V its variance and tau^2 the mixing variance of the prior
 * on the true difference under the alternative, the mixture likelihood ratio against theta0 is
 *   Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 * (theta - theta0)^2 / (2 V (V + tau^2)))
 * The always-valid p-value after look n is min over looks k <= n of min(1, 1 / Lambda_k); the
 * always-valid (1 - alpha) confidence sequence is the set of theta0 with Lambda < 1 / alpha.
 */
export function mixtureLikelihoodRatio(theta: number, variance: number, tau2: number, theta0 = 0): number {
  if (!(variance > 0) || !(tau2 > 0)) return 1;
  const d = theta - theta0;
  return Math.sqrt(variance / (variance + tau2)) * Math.exp((tau2 * d * d) / (2 * variance * (variance + tau2)));
}

/** 1 / Lambda for one look, capped at 1. */
export function msprtPValue(theta: number, variance: number, tau2: number): number {
  return Math.min(1, 1 / mixtureLikelihoodRatio(theta, variance, tau2));
}

/** Half-width of the always-valid confidence sequence at one look. */
export function confidenceSequenceHalfWidth(variance: number, tau2: number, alpha = 0.05): number {
  if (!(variance > 0) || !(tau2 > 0)) return Infinity;
  return Math.sqrt(((2 * variance * (variance + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((variance + tau2) / variance)));
}

export interface Look {
  /** Observed difference (treatment - control) with everything seen up to this look. */
  theta: number;
  /** Its variance. */
  variance: number;
}

export interface SequentialResult extends Interval {
  /** Always-valid p-value after the last look: the running minimum over looks. */
  pValue: number;
  estimate: number;
}

/**
 * Runs the mSPRT over cumulative looks (oldest first). The confidence sequence returned is the
 * intersection over looks, which stays valid (the per-look sets hold simultaneously).
 */
export function sequentialTest(looks: readonly Look[], tau2: number, alpha = 0.05): SequentialResult {
  let pValue = 1;
  let lower = -Infinity;
  let upper = Infinity;
  for (const look of looks) {
    if (!(look.variance > 0)) continue;
    pValue = Math.min(pValue, msprtPValue(look.theta, look.variance, tau2));
    const half = confidenceSequenceHalfWidth(look.variance, tau2, alpha);
    lower = Math.max(lower, look.theta - half);
    upper = Math.min(upper, look.theta + half);
  }
  const last = looks[looks.length - 1];
  return { pValue, estimate: last ? last.theta : NaN, lower, upper };
}
