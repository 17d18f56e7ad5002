import type { Interval } from "./proportions";
import { confidenceSequenceHalfWidth } from "./sequential";
import { normalCdf } from "./special";

/** One day of one offer's checkouts, per side (see completionGuardrail). */
export interface CompletionDay {
  /** The day's key (e.g. "2025-03-14"), returned as the day of the decision. */
  day: string;
  /** Buyers in the treated arms (any variant) who reached the checkout that day. */
  treatedReached: number;
  /** Of those, checkouts that became orders. */
  treatedCompleted: number;
  /** Buyers in the hold-out who reached the checkout that day. */
  holdoutReached: number;
  /** Of those, checkouts that became orders. */
  holdoutCompleted: number;
}

export interface CompletionGuardrailInput {
  /** Daily counts, oldest first, since the offer (version) started: cumulative sums are taken here. */
  days: readonly CompletionDay[];
  /** Largest drop in completion the merchant accepts, in percentage points (default 1). */
  thresholdPoints?: number;
  /** One-sided always-valid error rate of the "no harm" test (default 0.01; must be in (0, 0.5)). */
  alpha?: number;
  /** Mixing scale of the mSPRT prior in percentage points (default 2 x max(threshold, 1)). */
  tauPoints?: number;
  /** Below this many checkouts reached in either arm there is no look (default 100). */
  minReached?: number;
}

export type GuardrailVerdict = "pause" | "ok" | "insufficient";

/** One side's cumulative counts, for the merchant. */
export interface CompletionSide {
  reached: number;
  completed: number;
  /** completed / reached (NaN with no checkout). */
  rate: number;
}

export interface CompletionGuardrail {
  /** `pause`: the offer lowers completion beyond the threshold; `ok`: no such evidence (keep watching); `insufficient`: no look yet. */
  verdict: GuardrailVerdict;
  /** The day of the decision: the pausing day, else the last day looked at; null without a look. */
  day: string | null;
  /** Its index in `days` (0-based); null without a look. */
  dayIndex: number | null;
  /** Treated minus hold-out completion in percentage points, at `day` (over all days when insufficient). */
  differencePoints: number;
  /** Always-valid interval on the difference, in points (1 - 2 alpha jointly); infinite without a look. */
  intervalPoints: Interval;
  /** Always-valid one-sided p-value of "the offer does not lower completion" (running minimum). */
  pValue: number;
  treated: CompletionSide;
  holdout: CompletionSide;
  thresholdPoints: number;
  alpha: number;
  /** One sentence for the merchant. */
  reason: string;
}

/** Each side needs this many completed and this many abandoned checkouts for the normal approximation. */
const MIN_OUTCOMES = 10;

/**
 * log Lambda of the one-sided (harm-side) normal mixture at x = theta - theta0 (any sign): the
 * log of 2 * mixtureLikelihoodRatio(x) * Phi(-x tau / sqrt(V (V + tau^2))), computed in logs.
 */
function logHarmMixture(x: number, variance: number, tau2: number): number {
  const k = Math.sqrt(tau2 / (variance * (variance + tau2)));
  return (
    Math.LN2 +
    0.5 * Math.log(variance / (variance + tau2)) +
    (tau2 * x * x) / (2 * variance * (variance + tau2)) +
    Math.log(normalCdf(-x * k))
  );
}

/**
 * Half-width s of the one-sided always-valid bound: Lambda(-s) = 1 / alpha. Since 1/2 <= Phi <= 1
 * on the harm side, s lies between the two-sided half-widths at 2 alpha and at alpha; bisection.
 */
export function oneSidedHalfWidth(variance: number, tau2: number, alpha: number): number {
  if (!(variance > 0) || !(tau2 > 0)) return Infinity;
  const target = Math.log(1 / alpha);
  let lo = confidenceSequenceHalfWidth(variance, tau2, 2 * alpha);
  let hi = confidenceSequenceHalfWidth(variance, tau2, alpha);
  for (let i = 0; i < 60 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (logHarmMixture(-mid, variance, tau2) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Always-valid one-sided p-value of "no harm" (theta >= 0) at one look: 1 / Lambda(theta), capped at 1. */
export function harmPValue(theta: number, variance: number, tau2: number): number {
  if (!(variance > 0) || !(tau2 > 0)) return 1;
  return Math.min(1, Math.exp(-logHarmMixture(theta, variance, tau2)));
}

const side = (reached: number, completed: number): CompletionSide => ({
  reached,
  completed,
  rate: reached > 0 ? completed / reached : NaN,
});
const points = (x: number) => `${x > 0 ? "+" : ""}${x.toFixed(1)}`;
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en-US");
const checkCount = (name: string, value: number) => {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite count >= 0, got ${value}`);
};

/**
 * The checkout-completion guardrail of one offer (issue "Autopilot with proof"): checkout surfaces
 * log every buyer who reaches the checkout, in every arm (hold-out included), and whether that
 * checkout became an order. Completion (completed / reached) is compared treated vs hold-out after
 * every day; an offer that lowers completion beyond the merchant's threshold is paused.
 *
 * The test. theta = treated rate - hold-out rate on everything seen so far, with the unpooled
 * variance V = p_t (1 - p_t) / n_t + p_h (1 - p_h) / n_h. The statistic is the package's normal-
 * mixture mSPRT (./sequential, Johari et al.), made one-sided: the mixing prior N(0, tau^2) is
 * kept on harmful differences only (a half-normal on theta < theta0), which gives
 *   Lambda(theta0) = 2 * sqrt(V / (V + tau^2)) * exp(tau^2 x^2 / (2 V (V + tau^2))) * Phi(-x tau / sqrt(V (V + tau^2)))
 * with x = theta - theta0, i.e. twice the two-sided mixtureLikelihoodRatio times a normal cdf.
 * Under theta >= theta0 it is (a mixture of) likelihood ratios, a nonnegative supermartingale
 * (in the normal approximation of the difference, as for the package's mSPRT), so by Ville's
 * inequality P(Lambda ever >= 1 / alpha) <= alpha over any number of looks, daily or not, for
 * ever. The always-valid upper bound U_k = theta_k + s_k (s_k solving Lambda = 1 / alpha at
 * x = -s_k) is kept as its running minimum over looks: P(the true difference ever exceeds U) <= alpha.
 *
 * The rule: pause at the first look where
 *   (1) U < 0: the offer provably lowers completion (always-valid one-sided test of "no harm"), and
 *   (2) the observed difference is below -threshold: the drop seen is beyond the merchant's threshold.
 * Why this rule. (1) alone would pause offers for drops the merchant said they accept; (2) alone
 * is a naive daily look that pauses harmless offers on noise. Together: an offer that does not
 * lower completion is paused with probability <= alpha for ever (the threshold only makes it
 * rarer), and no offer is paused on an observed drop within the threshold. The stricter
 * alternative, "U < -threshold" (prove the drop exceeds the threshold), guarantees that a true
 * drop within the threshold is paused with probability <= alpha, but for a 3-point drop it must
 * prove a 2-point gap instead of a 3-point one: at a 10% hold-out it needs about 2.4 times the
 * traffic to pause a 3-point drop within a week (about 21,000 checkouts a day instead of 9,000).
 * The cost of the rule chosen: a true drop between 0 and the threshold is paused when noise makes
 * it look larger, more often the closer it is to the threshold and the more traffic there is
 * (10% hold-out, 60 days: a 0.5-point drop about 3% at 2,000 checkouts a day, 11% at 10,000; a
 * 0.9-point drop about 60% at 10,000).
 *
 * What it catches (simulated, test/guardrail.simulation.test.ts, baseline completion 50-70%): a
 * 3-point drop is paused within 7 days in 90% of offers from about 9,000 checkouts a day at a 10%
 * hold-out, 5,000 at 20%, 3,250 at 50%. At 2,000 checkouts a day no hold-out share does it in a
 * week (10%, 34% and 62% of offers at 10%, 20% and 50% hold-outs); at 10% it takes 30 days. Even
 * a fixed one-sided 1% test looked at only once, on day 7, would pause fewer than half there with
 * a 10% hold-out: the hold-out's 1,400 checkouts leave a standard error of 1.4 points (z = 2.2 < 2.33).
 *
 * alpha defaults to 0.01: by Ville's inequality A/A offers are falsely paused with probability at
 * most 1% over 60 daily looks (and over any other number of looks): the requirement holds by proof,
 * not only by simulation (which measures about 0.5%: discrete daily looks never see the whole
 * path, and (2) removes more).
 *
 * The interval reported is the running intersection of the upper bound above and of its mirror
 * (a lower bound from the mixture on beneficial differences, also at alpha): each side holds at
 * every look with probability >= 1 - alpha, both at once with >= 1 - 2 alpha (98% by default).
 *
 * tau (the mixing scale) sets the drops the test is quickest on; it defaults to twice the threshold
 * (2 points for the default 1, never less than 2 points): drops a few times the tolerated one are
 * the ones to catch within days. Where a 3-point drop is caught within a week, any tau from 1.5
 * to 4 points gives the same pause rate within about a point.
 */
export function completionGuardrail(input: CompletionGuardrailInput): CompletionGuardrail {
  const thresholdPoints = input.thresholdPoints ?? 1;
  const alpha = input.alpha ?? 0.01;
  if (!(thresholdPoints >= 0) || !Number.isFinite(thresholdPoints)) {
    throw new RangeError(`thresholdPoints must be >= 0, got ${thresholdPoints}`);
  }
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${alpha}`);
  const tauPoints = input.tauPoints ?? 2 * Math.max(thresholdPoints, 1);
  if (!(tauPoints > 0) || !Number.isFinite(tauPoints)) throw new RangeError(`tauPoints must be > 0, got ${tauPoints}`);
  const tau2 = (tauPoints / 100) ** 2;
  const threshold = thresholdPoints / 100;
  const minReached = Math.max(1, input.minReached ?? 100);
  const confidence = `${Math.round((1 - 2 * alpha) * 1000) / 10}%`;

  let nt = 0;
  let xt = 0;
  let nh = 0;
  let xh = 0;
  let lower = -Infinity;
  let upper = Infinity;
  let pValue = 1;
  let look: { index: number; theta: number; own: Interval } | null = null;

  const result = (verdict: GuardrailVerdict, reason: string): CompletionGuardrail => {
    const theta = look ? look.theta : xt / nt - xh / nh;
    const interval = !look ? { lower: -Infinity, upper: Infinity } : lower <= upper ? { lower, upper } : look.own;
    return {
      verdict,
      day: look ? input.days[look.index]!.day : null,
      dayIndex: look ? look.index : null,
      differencePoints: theta * 100,
      intervalPoints: { lower: interval.lower * 100, upper: interval.upper * 100 },
      pValue,
      treated: side(nt, xt),
      holdout: side(nh, xh),
      thresholdPoints,
      alpha,
      reason,
    };
  };
  const evidence = () =>
    `${percent(xt / nt)} of ${count(nt)} checkouts completed with the offer, ${percent(xh / nh)} of ${count(nh)} in the hold-out`;
  const interval = () => {
    const i = lower <= upper ? { lower, upper } : look!.own;
    return `${confidence} always-valid interval ${points(i.lower * 100)} to ${points(i.upper * 100)} points`;
  };

  for (let d = 0; d < input.days.length; d++) {
    const day = input.days[d]!;
    checkCount("treatedReached", day.treatedReached);
    checkCount("treatedCompleted", day.treatedCompleted);
    checkCount("holdoutReached", day.holdoutReached);
    checkCount("holdoutCompleted", day.holdoutCompleted);
    nt += day.treatedReached;
    xt += day.treatedCompleted;
    nh += day.holdoutReached;
    xh += day.holdoutCompleted;
    if (xt > nt || xh > nh) throw new RangeError(`more checkouts completed than reached by ${day.day}`);
    if (nt < minReached || nh < minReached) continue;
    if (Math.min(xt, nt - xt, xh, nh - xh) < MIN_OUTCOMES) continue;
    const pt = xt / nt;
    const ph = xh / nh;
    const theta = pt - ph;
    const variance = (pt * (1 - pt)) / nt + (ph * (1 - ph)) / nh;
    const half = oneSidedHalfWidth(variance, tau2, alpha);
    lower = Math.max(lower, theta - half);
    upper = Math.min(upper, theta + half);
    pValue = Math.min(pValue, harmPValue(theta, variance, tau2));
    look = { index: d, theta, own: { lower: theta - half, upper: theta + half } };
    if (upper < 0 && theta < -threshold) {
      return result(
        "pause",
        `completion is ${points(theta * 100)} points with the offer, beyond the ${thresholdPoints}-point threshold, and provably lower (always-valid p = ${pValue.toPrecision(2)} <= ${alpha}; ${interval()}): ${evidence()}`,
      );
    }
  }

  if (!look) {
    const few =
      nt < minReached || nh < minReached
        ? `${minReached} checkouts`
        : `${MIN_OUTCOMES} completed and ${MIN_OUTCOMES} abandoned checkouts`;
    return result(
      "insufficient",
      `fewer than ${few} in an arm so far (${count(nt)} with the offer, ${count(nh)} in the hold-out)`,
    );
  }
  const why =
    upper >= 0
      ? "no proof that the offer lowers completion"
      : `completion is provably lower, but by ${points(look.theta * 100)} points, within the ${thresholdPoints}-point threshold`;
  return result("ok", `${why} (${interval()}): ${evidence()}`);
}
