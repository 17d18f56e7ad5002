import { normalQuantile, normalSf } from "./special";

/**
 * Group-sequential boundaries by Lan-DeMets alpha spending (Lan and DeMets, Biometrika 1983;
 * Jennison and Turnbull, "Group Sequential Methods", 2000, ch. 7 and 19).
 *
 * Under no difference the score S_k = Z_k * sqrt(I_k) is a Brownian motion in the information I
 * (independent increments of variance I_k - I_(k-1)). At each look the boundary c_k on |Z_k| is
 * chosen so that the probability of crossing it for the first time at this look is what the
 * spending function allows there: alpha(t_k) - alpha(t_(k-1)), with t_k the look's calendar
 * fraction of the planned horizon. The crossing probability uses the actual information of every
 * look (so uneven daily traffic is accounted for exactly), by numerical integration of the density
 * of S over the continuation region, look after look (the recursion of Armitage, McPherson and
 * Rowe, 1969): Simpson's rule on a grid finer than the spread of one look's increment.
 *
 * The repeated confidence intervals theta_k +- c_k * se_k then hold at every look simultaneously
 * with probability 1 - alpha: the interval shown at any look, including the deciding one, is valid.
 */

/**
 * Lan-DeMets O'Brien-Fleming-type spending, symmetric two-sided (alpha / 2 a side, each side the
 * one-sided 2 - 2 Phi(z_(1-alpha/4) / sqrt(t))): 4 - 4 Phi(z_(1-alpha/4) / sqrt(t)) in total.
 */
export function obrienFlemingSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  if (alpha !== ofAlpha) {
    ofAlpha = alpha;
    ofZ = -normalQuantile(alpha / 4);
  }
  return 4 * normalSf(ofZ / Math.sqrt(t));
}
// The quantile is the costly part and a verdict asks for the same alpha at every look.
let ofAlpha = NaN;
let ofZ = NaN;

/** Lan-DeMets Pocock-type spending: alpha * ln(1 + (e - 1) t). */
export function pocockSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return alpha * Math.log(1 + (Math.E - 1) * t);
}

export type SpendingFunction = (t: number, alpha: number) => number;

// Lower normal tail P(Z < x) to ~1e-7 relative everywhere (Numerical Recipes' erfcc), given
// e = exp(-x^2 / 2), which the caller also needs for the density: the recursion evaluates it
// hundreds of thousands of times per verdict, where the incomplete-gamma normalSf is too slow.
function phiLowerWith(x: number, e: number): number {
  const z = Math.abs(x) * Math.SQRT1_2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    e *
    Math.exp(
      -1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x <= 0 ? 0.5 * r : 1 - 0.5 * r;
}
function quickUpperQuantile(q: number): number {
  const t = Math.sqrt(-2 * Math.log(q));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}
const INV_SQRT_2PI = 0.3989422804014327;

/** Grid points per standard deviation of the smallest increment; 8.5 sd covers the density. */
const POINTS_PER_SD = 2;
const SPAN_SD = 6;
const KERNEL_SD = 6.5;
const MAX_POINTS = 401;

export interface BoundaryTracker {
  /**
   * Adds a look with cumulative information `information` (any scale proportional to 1 / variance,
   * strictly increasing) at calendar fraction `time` of the horizon, and returns the boundary on
   * |Z| there (Infinity when nothing is left to spend or the information did not grow).
   */
  next(information: number, time: number): number;
  /** Alpha spent so far (two-sided). */
  readonly spent: number;
  /** Looks that spent alpha. */
  readonly looks: number;
}

/**
 * A stateful boundary calculator for one experiment's looks, oldest first. Cost per look is
 * O(grid^2) with a grid of about 6 * POINTS_PER_SD * sqrt(look) points.
 */
export function boundaryTracker(alpha: number, spending: SpendingFunction = obrienFlemingSpending): BoundaryTracker {
  // Density of S at the last look restricted to its continuation region, as grid points u with
  // Simpson weight times density g (a point mass at 0 before the first look).
  let u = new Float64Array([0]);
  let g = new Float64Array([1]);
  let lastInfo = 0;
  let spent = 0;
  let looks = 0;
  // The last look's continuation region and the increment that led to it, kept until the next
  // look says how fine the grid must be (the next increment's spread).
  let pending: { a: number; sigma: number; info: number } | null = null;

  // Evaluates the pending look's density on a grid fine enough for both increments.
  const materialize = (nextSigma: number) => {
    if (!pending) return;
    const { a, sigma, info } = pending;
    const span = Math.min(a, SPAN_SD * Math.sqrt(info));
    let h = Math.min(sigma, nextSigma) / POINTS_PER_SD;
    let m = 2 * Math.ceil(span / h) + 1;
    if (m > MAX_POINTS) m = MAX_POINTS;
    if (m < 5) m = 5;
    h = (2 * span) / (m - 1);
    const nu = new Float64Array(m);
    const ng = new Float64Array(m);
    const reach = KERNEL_SD * sigma;
    const inv = 1 / sigma;
    // The previous grid is uniform too: only its points within `reach` of s contribute.
    const u0 = u[0]!;
    const hu = u.length > 1 ? u[1]! - u0 : 1;
    const last = u.length - 1;
    for (let j = 0; j < m; j++) {
      const s = -span + j * h;
      nu[j] = s;
      let f = 0;
      const from = Math.max(0, Math.ceil((s - reach - u0) / hu));
      const to = Math.min(last, Math.floor((s + reach - u0) / hu));
      if (from <= to) {
        // exp(-z^2 / 2) along the previous grid by recurrence (z drops by dz a step): two exp()
        // calls per point instead of one per pair.
        const dz = hu * inv;
        const z = (s - u[from]!) * inv;
        let e = Math.exp(-0.5 * z * z);
        let r = Math.exp(z * dz - 0.5 * dz * dz);
        const q = Math.exp(-dz * dz);
        for (let i = from; i <= to; i++) {
          f += g[i]! * e;
          e *= r;
          r *= q;
        }

      }
      const w = j === 0 || j === m - 1 ? 1 : j % 2 === 1 ? 4 : 2;
      ng[j] = ((w * h) / 3) * f * inv * INV_SQRT_2PI;
    }
    u = nu;
    g = ng;
    pending = null;
  };

  // Probability of leaving (-a, a) at the next look (increment spread sigma), and its derivative.
  const crossing = (a: number, sigma: number): [number, number] => {
    let p = 0;
    let dp = 0;
    const inv = 1 / sigma;
    const reach = KERNEL_SD * sigma;
    for (let i = 0; i < u.length; i++) {
      const x = u[i]!;
      // Points deeper than `reach` inside the region cannot cross (probability < 1e-10 of theirs).
      if (x < a - reach && x > reach - a) continue;
      const lo = (-a - x) * inv;
      const hi = (x - a) * inv;
      const elo = Math.exp(-0.5 * lo * lo);
      const ehi = Math.exp(-0.5 * hi * hi);
      p += g[i]! * (phiLowerWith(lo, elo) + phiLowerWith(hi, ehi));
      dp -= g[i]! * (elo + ehi);
    }
    return [p, dp * inv * INV_SQRT_2PI];
  };

  return {
    get spent() {
      return spent;
    },
    get looks() {
      return looks;
    },
    next(information: number, time: number): number {
      if (!(information > lastInfo)) return Infinity;
      const target = Math.min(alpha, spending(time, alpha));
      const delta = target - spent;
      // Nothing (measurable) to spend: no test at this look, the Brownian motion just continues.
      if (!(delta > 1e-10)) return Infinity;
      const sigma = Math.sqrt(information - (pending ? pending.info : lastInfo));
      materialize(sigma);
      const sd = Math.sqrt(information);
      // Without the earlier truncations the crossing probability would be 2 Phi(-a / sd): its root
      // is an upper bracket; the true root is below it.
      // (A quick quantile, A&S 26.2.23 to 4.5e-4, widened and checked: only a bracket is needed.)
      let hi = sd * (quickUpperQuantile(delta / 2) + 0.01);
      while (crossing(hi, sigma)[0] > delta) hi *= 1.5;
      let lo = 0;
      let a = hi;
      for (let iter = 0; iter < 60; iter++) {
        const [p, dp] = crossing(a, sigma);
        const f = Math.log(p / delta);
        if (Math.abs(f) < 1e-9) break;
        if (f > 0) lo = a;
        else hi = a;
        let next = a - f / (dp / p);
        if (!(next > lo && next < hi)) next = (lo + hi) / 2;
        if (Math.abs(next - a) < 1e-12 * sd) {
          a = next;
          break;
        }
        a = next;
      }
      spent = target;
      looks++;
      lastInfo = information;
      pending = { a, sigma, info: information };
      return a / sd;
    },
  };
}

/** Boundaries on |Z| for a whole design at once (information and calendar fractions per look). */
export function groupSequentialBoundaries(
  information: readonly number[],
  times: readonly number[],
  alpha: number,
  spending: SpendingFunction = obrienFlemingSpending,
): number[] {
  const tracker = boundaryTracker(alpha, spending);
  return information.map((info, k) => tracker.next(info, times[k]!));
}
