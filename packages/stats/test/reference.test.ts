import { describe, expect, test } from "vitest";
import reference from "./reference/reference.json";
import {
  diffProportions,
  mixtureLikelihoodRatio,
  msprtPValue,
  confidenceSequenceHalfWidth,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  summaryOf,
  welch,
  wilson,
} from "../src";

// Every expected value below comes from SciPy (see reference.source and reference/generate.py).
const TOL = 1e-6;
/** Absolute 1e-6, or relative 1e-6 for values far from 1 in size (tail probabilities, big t). */
const close = (actual: number, expected: number) => {
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(TOL);
};
const closeRelative = (actual: number, expected: number) => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(TOL * Math.abs(expected) + 1e-300);
};

describe(`statistics agree with ${reference.source}`, () => {
  test.each(reference.normal)("GIVEN z = $z WHEN the normal cdf and tail are computed THEN they match scipy.stats.norm", (r) => {
    close(normalCdf(r.z), r.cdf);
    closeRelative(normalSf(r.z), r.sf);
  });

  test.each(reference.normalQuantile)("GIVEN p = $p WHEN the normal quantile is computed THEN it matches norm.ppf", (r) => {
    close(normalQuantile(r.p), r.q);
  });

  test.each(reference.studentT)("GIVEN t = $t, df = $df WHEN the t cdf is computed THEN it matches scipy.stats.t", (r) => {
    close(studentTCdf(r.t, r.df), r.cdf);
    closeRelative(studentTSf(r.t, r.df), r.sf);
  });

  test.each(reference.studentTQuantile)("GIVEN p = $p, df = $df WHEN the t quantile is computed THEN it matches t.ppf", (r) => {
    close(studentTQuantile(r.p, r.df), r.q);
  });

  test.each(reference.wilson)("GIVEN $x of $n at $confidence WHEN the Wilson interval is computed THEN it matches binomtest(...).proportion_ci('wilson')", (r) => {
    const ci = wilson(r.x, r.n, r.confidence);
    close(ci.lower, r.lower);
    close(ci.upper, r.upper);
  });

  test.each(reference.diffProportions)("GIVEN $x1/$n1 vs $x2/$n2 WHEN the difference is tested THEN |z| and p match chi2_contingency(correction=False)", (r) => {
    const d = diffProportions(r.x1, r.n1, r.x2, r.n2);
    close(Math.abs(d.z), r.absZ);
    close(d.pValue, r.pValue);
    close(d.lower, r.lower);
    close(d.upper, r.upper);
  });

  test.each(reference.welch.map((r, i) => ({ ...r, case: i })))("GIVEN sample pair $case WHEN Welch's test runs THEN t, df, p and the 95% interval match ttest_ind(equal_var=False)", (r) => {
    const w = welch(summaryOf(r.a), summaryOf(r.b));
    close(w.t, r.t);
    close(w.df, r.df);
    close(w.pValue, r.pValue);
    close(w.lower, r.lower);
    close(w.upper, r.upper);
  });

  test.each(reference.msprt)("GIVEN theta = $theta, V = $variance, tau2 = $tau2 WHEN the mixture ratio is computed THEN it matches scipy's quadrature of the mixture", (r) => {
    close(mixtureLikelihoodRatio(r.theta, r.variance, r.tau2), r.lambda);
    close(msprtPValue(r.theta, r.variance, r.tau2), r.pValue);
    close(confidenceSequenceHalfWidth(r.variance, r.tau2, r.alpha), r.halfWidth);
  });
});
