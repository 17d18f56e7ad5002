import { boundaryTracker } from "./groupSequential";
import { emptySums, hasCovariate, summarize, welch, type Sums } from "./means";
import type { Interval } from "./proportions";
import { confidenceSequenceHalfWidth, msprtPValue, type SequentialResult } from "./sequential";
import { sampleRatioMismatch } from "./srm";
import { estimateOf, fieller, type Acc, type Estimate } from "./verdictEstimate";
import type { GroupSequentialLook, Lift, Verdict, VerdictInput, VerdictKind } from "./verdictTypes";

export type { GroupSequentialLook, Lift, Verdict, VerdictInput, VerdictKind } from "./verdictTypes";
export { cumulativeLooks } from "./verdictEstimate";

/** Share of alphaUsed given to the always-valid mSPRT leg; the rest goes to the group-sequential leg. */
export const ALWAYS_VALID_SHARE = 0.2;

interface Snapshot {
  day: number;
  est: Estimate;
  interval: Interval;
  lift: Lift | null;
  sequential: SequentialResult;
  gs: GroupSequentialLook | null;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const describe = (s: Snapshot): string =>
  s.lift
    ? `lift ${pct(s.lift.lower)} to ${pct(s.lift.upper)} (difference ${fmt(s.interval.lower)} to ${fmt(s.interval.upper)} per visitor)`
    : `difference ${fmt(s.interval.lower)} to ${fmt(s.interval.upper)} per visitor`;

/**
 * The verdict of one treatment arm against the hold-out on revenue per visitor, from every day
 * since the experiment version started (docs/measurement.md, "Verdict rules").
 *
 * Design, and why. The issue measured the mSPRT alone (tau = mde) at 8% power for a real +8% lift
 * in 30 days where a fixed day-30 Welch test has about 45%: an always-valid test that may run
 * forever pays for it with a boundary near |z| = 3 at any horizon. Merchants read experiments over
 * weeks, so the verdict plans a horizon (`horizonDays`, default 30) and splits alphaUsed in two legs
 * whose false-positive rates add up (union bound) to at most alphaUsed at any number of looks:
 *  - 80%: a group-sequential test with Lan-DeMets O'Brien-Fleming-type spending over the horizon,
 *    looked at every day (boundaries from the actual daily information, ./groupSequential). Its
 *    last boundary (day 30) is close to the fixed test's, so it keeps nearly all the fixed test's
 *    power while letting large effects stop early;
 *  - 20%: the always-valid mSPRT (tau = mde) over the whole life, before and after the horizon, so
 *    an experiment left running past its horizon can still end in a (guaranteed) winner or loser.
 * Both legs test the CUPED-adjusted difference when the days carry the covariate sums (pooled
 * theta, ./cuped): same expectation, less variance, more power.
 *
 * At each look (a day where both arms have `minPerArm` visitors), oldest first:
 *  1. |z| reaches the group-sequential boundary (day <= horizon) or the always-valid p-value
 *     reaches its share of alpha: winner (difference > 0) or loser; final.
 *  2. otherwise, the interval lies inside (-mde, +mde), or the horizon is reached: no_difference
 *     (a later always-valid rejection can still turn it into a winner or loser).
 *  3. otherwise keep_testing.
 * The interval reported is the intersection, over the looks so far, of the repeated confidence
 * intervals (z boundary x standard error) and of the mSPRT confidence sequence: all of them hold at
 * once with probability >= 1 - alphaUsed, so the interval shown at the deciding look is valid
 * (unlike a bare point estimate, which is biased upwards at an early stop).
 * A sample ratio mismatch (p < 0.001) blocks any verdict.
 */
export function experimentVerdict(input: VerdictInput): Verdict {
  const alpha = input.alpha ?? 0.05;
  const comparisons = Math.max(1, input.comparisons ?? 1);
  const alphaUsed = alpha / comparisons;
  const alphaAV = alphaUsed * ALWAYS_VALID_SHARE;
  const alphaGS = alphaUsed - alphaAV;
  const horizon = Math.max(1, Math.round(input.horizonDays ?? 30));
  const minPerArm = input.minPerArm ?? 100;
  const minN = Math.max(2, minPerArm);
  const minConverters = input.minConverters ?? 30;
  const maxDays = input.maxDays ?? 365;
  const mde = input.mde;
  const tau2 = mde * mde;
  const days = Math.min(input.control.length, input.treatment.length);
  const adjust = days > 0 && input.control.slice(0, days).every(hasCovariate) && input.treatment.slice(0, days).every(hasCovariate);

  const c: Acc = { n: 0, sum: 0, sumSq: 0, xSum: 0, xSq: 0, xySum: 0 };
  const t: Acc = { n: 0, sum: 0, sumSq: 0, xSum: 0, xSq: 0, xySum: 0 };
  const add = (a: Acc, s: Sums) => {
    a.n += s.n;
    a.sum += s.sum;
    a.sumSq += s.sumSq;
    if (adjust) {
      a.xSum += s.xSum!;
      a.xSq += s.xSq!;
      a.xySum += s.xySum!;
    }
  };

  const tracker = boundaryTracker(alphaGS);
  let avP = 1;
  let csLo = -Infinity;
  let csHi = Infinity;
  let lo = -Infinity;
  let hi = Infinity;
  let liftLo = -Infinity;
  let liftHi = Infinity;
  let liftBounded = false;
  let gsLast: GroupSequentialLook | null = null;
  let snap: Snapshot | null = null;
  let decided: VerdictKind | null = null;
  let decidedOnDay: number | null = null;
  let noDifferenceDay: number | null = null;
  let equivalent = false;

  const counted = input.control.slice(0, days).every((s) => s.converters !== undefined) && input.treatment.slice(0, days).every((s) => s.converters !== undefined);
  let convC = 0;
  let convT = 0;
  for (let d = 0; d < days; d++) {
    add(c, input.control[d]!);
    add(t, input.treatment[d]!);
    if (counted) {
      convC += input.control[d]!.converters!;
      convT += input.treatment[d]!.converters!;
    }
    if (c.n < minN || t.n < minN) continue;
    if (counted && (convC < minConverters || convT < minConverters)) continue;
    const est = estimateOf(c, t, adjust);
    if (!(est.variance > 0)) continue;
    const se = Math.sqrt(est.variance);
    const z = est.theta / se;

    // Always-valid leg.
    avP = Math.min(avP, msprtPValue(est.theta, est.variance, tau2));
    const half = confidenceSequenceHalfWidth(est.variance, tau2, alphaAV);
    csLo = Math.max(csLo, est.theta - half);
    csHi = Math.min(csHi, est.theta + half);
    const crits = [half / se];

    // Group-sequential leg, up to the horizon; information = 1 / (1/n_c + 1/n_t).
    let gsCrossed = false;
    if (d + 1 <= horizon) {
      const boundary = tracker.next(1 / (1 / c.n + 1 / t.n), (d + 1) / horizon);
      if (Number.isFinite(boundary)) {
        gsLast = { day: d, z, boundary, alphaSpent: tracker.spent };
        gsCrossed = Math.abs(z) >= boundary;
        crits.push(boundary);
      }
    }
    const crit = Math.min(...crits);
    lo = Math.max(lo, est.theta - crit * se);
    hi = Math.min(hi, est.theta + crit * se);
    for (const k of crits) {
      const f = fieller(est.mt, est.mc, est.vt, est.vc, k);
      if (!f) continue;
      liftBounded = true;
      liftLo = Math.max(liftLo, f.lower);
      liftHi = Math.min(liftHi, f.upper);
    }
    // An empty intersection can only come from a non-covering look; fall back to this look's own.
    const interval = lo <= hi ? { lower: lo, upper: hi } : { lower: est.theta - crit * se, upper: est.theta + crit * se };
    let lift: Lift | null = null;
    if (liftBounded && est.mc > 0) {
      const own = fieller(est.mt, est.mc, est.vt, est.vc, crit);
      const l = liftLo <= liftHi ? { lower: liftLo, upper: liftHi } : own;
      if (l) lift = { estimate: est.mt / est.mc - 1, lower: l.lower, upper: l.upper };
    }
    snap = {
      day: d,
      est,
      interval,
      lift,
      sequential: { pValue: avP, estimate: est.theta, lower: csLo, upper: csHi },
      gs: gsLast,
    };

    if (gsCrossed || avP <= alphaAV) {
      decided = est.theta > 0 ? "winner" : "loser";
      decidedOnDay = d;
      break;
    }
    if (noDifferenceDay === null) {
      equivalent = interval.lower > -mde && interval.upper < mde;
      // The horizon ends the planned test only if the group-sequential leg ever looked: an
      // experiment that reached its minimum traffic after the horizon has not been tested yet.
      if (equivalent || (d + 1 >= horizon && gsLast !== null)) noDifferenceDay = d;
    }
  }

  // Whole-life figures for reading.
  const total = (arr: readonly Sums[]) => arr.slice(0, days).reduce((a, s) => ({ n: a.n + s.n, sum: a.sum + s.sum, sumSq: a.sumSq + s.sumSq }), emptySums());
  const cAll = total(input.control);
  const tAll = total(input.treatment);
  const sc = summarize(cAll);
  const st = summarize(tAll);
  const fixed = sc.n > 1 && st.n > 1 ? welch(st, sc, 1 - alphaUsed) : null;
  const srm = input.srm ?? (input.expectedShares ? sampleRatioMismatch([cAll.n, tAll.n], input.expectedShares) : undefined);

  const base = {
    alphaUsed,
    fixed,
    horizonDays: horizon,
    ...(srm ? { srm } : {}),
  };
  const reported = snap
    ? {
        estimate: snap.est.theta,
        interval: snap.interval,
        lift: snap.lift,
        sequential: snap.sequential,
        groupSequential: snap.gs,
        varianceReduction: adjust ? 1 - snap.est.variance / snap.est.unadjustedVariance : null,
        lookDay: snap.day,
      }
    : {
        estimate: NaN,
        interval: { lower: -Infinity, upper: Infinity },
        lift: null,
        sequential: { pValue: 1, estimate: NaN, lower: -Infinity, upper: Infinity },
        groupSequential: null,
        varianceReduction: null,
        lookDay: null,
      };

  if (srm?.flagged) {
    return { ...base, ...reported, kind: "sample_ratio_mismatch", reason: srm.reason ?? "sample ratio mismatch", daysToDecision: null, decidedOnDay: null };
  }
  if (!snap) {
    const few = counted && (convC < minConverters || convT < minConverters) ? `${minConverters} buyers` : `${minN} visitors`;
    return { ...base, ...reported, kind: "keep_testing", reason: `fewer than ${few} in an arm`, daysToDecision: null, decidedOnDay: null };
  }
  const alphaText = `alpha ${alphaUsed.toPrecision(2)}${comparisons > 1 ? ` (${alpha} over ${comparisons} comparisons)` : ""}`;
  if (decided) {
    const by = snap.gs && snap.gs.day === snap.day && Math.abs(snap.gs.z) >= snap.gs.boundary
      ? `|z| = ${Math.abs(snap.gs.z).toFixed(2)} reached the day-${snap.day + 1} boundary ${snap.gs.boundary.toFixed(2)}`
      : `always-valid p = ${avP.toPrecision(2)} <= ${alphaAV.toPrecision(2)}`;
    return { ...base, ...reported, kind: decided, reason: `${by} (${alphaText}); ${describe(snap)}`, daysToDecision: null, decidedOnDay };
  }
  if (noDifferenceDay !== null && equivalent) {
    const why = `the difference is within ±${fmt(mde)} per visitor`;
    return { ...base, ...reported, kind: "no_difference", reason: `${why} (${alphaText}); ${describe(snap)}`, daysToDecision: null, decidedOnDay: noDifferenceDay };
  }
  if (noDifferenceDay !== null) {
    const why = `the planned ${horizon} days ended without a significant difference, and the interval still allows differences beyond ±${fmt(mde)}; only the always-valid check keeps looking`;
    return { ...base, ...reported, kind: "inconclusive", reason: `${why} (${alphaText}); ${describe(snap)}`, daysToDecision: null, decidedOnDay: noDifferenceDay };
  }

  // keep_testing: project the looks ahead at the traffic seen so far if the difference held.
  const est = snap.est;
  const daysSoFar = days;
  const daysToDecision = ((): number | null => {
    const rateC = c.n / daysSoFar;
    const rateT = t.n / daysSoFar;
    const info = 1 / (1 / c.n + 1 / t.n);
    const limit = Math.min(horizon, daysSoFar + maxDays);
    for (let day = daysSoFar + 1; day <= limit; day++) {
      const nc = c.n + rateC * (day - daysSoFar);
      const nt = t.n + rateT * (day - daysSoFar);
      const infoD = 1 / (1 / nc + 1 / nt);
      const v = (est.variance * info) / infoD;
      const b = tracker.next(infoD, day / horizon);
      const absTheta = Math.abs(est.theta);
      if (absTheta / Math.sqrt(v) >= b || msprtPValue(est.theta, v, tau2) <= alphaAV) return day - daysSoFar;
      const crit = Math.min(b, confidenceSequenceHalfWidth(v, tau2, alphaAV) / Math.sqrt(v));
      if (absTheta + crit * Math.sqrt(v) < mde) return day - daysSoFar;
    }
    return horizon - daysSoFar <= maxDays ? horizon - daysSoFar : null;
  })();
  return {
    ...base,
    ...reported,
    kind: "keep_testing",
    reason: `not yet decisive (${alphaText}); ${describe(snap)}`,
    daysToDecision,
    decidedOnDay: null,
  };
}
