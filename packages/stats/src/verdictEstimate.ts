// Kept apart from the verdict rules so the per-look arithmetic (CUPED or plain, Fieller lift) can be
// checked on its own; the rules only decide what to do with each look.
import { cuped } from "./cuped";
import { addSums, emptySums, summarize, type Sums } from "./means";
import type { Interval } from "./proportions";
import type { Look } from "./sequential";

/** Cumulative looks (one a day) of treatment minus control, from daily sums (unadjusted). */
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

export interface Acc {
  n: number;
  sum: number;
  sumSq: number;
  xSum: number;
  xSq: number;
  xySum: number;
}

export interface Estimate {
  theta: number;
  variance: number;
  unadjustedVariance: number;
  /** Per-arm (adjusted) means and their variances, for the relative lift. */
  mc: number;
  mt: number;
  vc: number;
  vt: number;
}

export function estimateOf(c: Acc, t: Acc, adjust: boolean): Estimate {
  if (adjust) {
    const r = cuped(c, t);
    return {
      theta: r.difference,
      variance: r.variance,
      unadjustedVariance: r.unadjustedVariance,
      mc: r.control.adjustedMean,
      mt: r.treatment.adjustedMean,
      vc: r.control.adjustedMeanVariance,
      vt: r.treatment.adjustedMeanVariance,
    };
  }
  const sc = summarize(c);
  const st = summarize(t);
  const vc = sc.variance / sc.n;
  const vt = st.variance / st.n;
  return { theta: st.mean - sc.mean, variance: vc + vt, unadjustedVariance: vc + vt, mc: sc.mean, mt: st.mean, vc, vt };
}

/**
 * Fieller's interval for mt / mc - 1: the ratios r with |mt - r mc| <= crit * sqrt(vt + r^2 vc).
 * At r = 1 this is the test on the difference, so the lift's interval excludes 0 exactly when the
 * difference's test rejects. Null when the set is unbounded (control mean not clearly above 0).
 */
export function fieller(mt: number, mc: number, vt: number, vc: number, crit: number): Interval | null {
  const c2 = crit * crit;
  const a = mc * mc - c2 * vc;
  if (!(a > 0) || !(mc > 0)) return null;
  const b = mt * mc;
  const disc = b * b - a * (mt * mt - c2 * vt);
  if (!(disc >= 0)) return null;
  const root = Math.sqrt(disc);
  return { lower: (b - root) / a - 1, upper: (b + root) / a - 1 };
}
