import { addSums, emptySums, summarize, welch, type Sums, type WelchResult } from "./means";
import { confidenceSequenceHalfWidth, sequentialTest, type Look, type SequentialResult } from "./sequential";

export type VerdictKind = "winner" | "loser" | "keep_testing" | "no_difference";

export interface VerdictInput {
  /** Daily sufficient statistics of the control (hold-out) arm, oldest first. */
  control: readonly Sums[];
  /** Daily sufficient statistics of the treatment arm, same days as `control`. */
  treatment: readonly Sums[];
  /** Smallest absolute difference worth acting on, in the metric's unit (> 0). Also the mixing scale. */
  mde: number;
  alpha?: number;
  /** Below this many visitors in either arm the verdict is always "keep testing". */
  minPerArm?: number;
  /** Longest wait worth estimating; beyond it daysToDecision is null. */
  maxDays?: number;
}

export interface Verdict {
  kind: VerdictKind;
  /** Fixed-horizon Welch interval on the whole period (for display, not for stopping). */
  fixed: WelchResult | null;
  /** mSPRT over the daily looks: always-valid p-value and confidence sequence. */
  sequential: SequentialResult;
  /** For "keep_testing": estimated further days at the current traffic, null if beyond maxDays. */
  daysToDecision: number | null;
  reason: string;
}

/** Cumulative looks (one a day) of treatment minus control, from daily sums. */
export function cumulativeLooks(control: readonly Sums[], treatment: readonly Sums[]): Look[] {
  const looks: Look[] = [];
  let c = emptySums();
  let t = emptySums();
  for (let i = 0; i < Math.min(control.length, treatment.length); i++) {
    c = addSums(c, control[i]!);
    t = addSums(t, treatment[i]!);
    if (c.n < 2 || t.n < 2) continue;
    const sc = summarize(c);
    const st = summarize(t);
    looks.push({ theta: st.mean - sc.mean, variance: sc.variance / sc.n + st.variance / st.n });
  }
  return looks;
}

/**
 * The experiment's verdict (docs/measurement.md):
 *  - winner / loser: the always-valid p-value is at most alpha; the sign of the difference decides;
 *  - no_difference: the always-valid confidence sequence lies inside (-mde, +mde);
 *  - keep_testing otherwise, with the days until the sequence would be narrow enough to decide
 *    either way if the observed difference held, at the traffic seen so far.
 */
export function experimentVerdict(input: VerdictInput): Verdict {
  const alpha = input.alpha ?? 0.05;
  const minPerArm = input.minPerArm ?? 100;
  const maxDays = input.maxDays ?? 365;
  const tau2 = input.mde * input.mde;
  const looks = cumulativeLooks(input.control, input.treatment);
  const sequential = sequentialTest(looks, tau2, alpha);
  const c = summarize(input.control.reduce(addSums, emptySums()));
  const t = summarize(input.treatment.reduce(addSums, emptySums()));
  const fixed = c.n > 1 && t.n > 1 ? welch(t, c, 1 - alpha) : null;
  const days = input.control.length;
  const last = looks[looks.length - 1];

  const estimateDays = (): number | null => {
    if (!last || days === 0) return null;
    const d = Math.abs(last.theta);
    const target = Math.max(d, input.mde - d);
    const hw = (k: number) => confidenceSequenceHalfWidth(last.variance / k, tau2, alpha);
    if (hw(1) < target) return 1;
    const kMax = (days + maxDays) / days;
    if (hw(kMax) >= target) return null;
    let lo = 1;
    let hi = kMax;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (hw(mid) < target) hi = mid;
      else lo = mid;
    }
    return Math.max(1, Math.ceil(days * (hi - 1)));
  };

  if (c.n < minPerArm || t.n < minPerArm) {
    return { kind: "keep_testing", fixed, sequential, daysToDecision: estimateDays(), reason: `fewer than ${minPerArm} visitors in an arm` };
  }
  if (sequential.pValue <= alpha) {
    const kind = sequential.estimate > 0 ? "winner" : "loser";
    return { kind, fixed, sequential, daysToDecision: null, reason: `always-valid p = ${sequential.pValue.toPrecision(3)} <= ${alpha}` };
  }
  if (sequential.lower > -input.mde && sequential.upper < input.mde) {
    return { kind: "no_difference", fixed, sequential, daysToDecision: null, reason: `the difference is within ±${input.mde} with ${(1 - alpha) * 100}% confidence` };
  }
  return { kind: "keep_testing", fixed, sequential, daysToDecision: estimateDays(), reason: "not yet decisive" };
}
