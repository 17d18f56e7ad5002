import { beforeAll, describe, expect, test } from "vitest";
import { addSums, experimentVerdict, summarize, welch, type Sums, type Verdict } from "../src";
import { RPV_MEAN, simulateExperiments, withoutCovariate, type Experiment } from "./rpvModel";

/**
 * The verdict's guarantees on the revenue model (./rpvModel: 2,000 visitors per arm per
 * day, 5% convert, log-normal order values sigma 1, the cart value at exposure as covariate), on
 * 2,000 simulated experiments each. mde = 5% of the hold-out's revenue per visitor.
 */
const EXPERIMENTS = 2000;
const VISITORS = 2000;
const MDE = 0.05 * RPV_MEAN;
const LIFT = 0.08;
const TRUE_DIFF = LIFT * RPV_MEAN;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const decisive = (v: Verdict) => v.kind === "winner" || v.kind === "loser";
const total = (days: readonly Sums[]) => days.reduce((a, b) => addSums(a, b));

describe("A/A, daily looks for 120 days", () => {
  let withCov: Verdict[] = [];
  let plain: Verdict[] = [];
  beforeAll(() => {
    const runs = simulateExperiments(120, EXPERIMENTS, 120, VISITORS, 0);
    withCov = runs.map((e) => experimentVerdict({ control: e.control, treatment: e.treatments[0]!, mde: MDE }));
    plain = runs.map((e) => experimentVerdict({ control: withoutCovariate(e.control), treatment: withoutCovariate(e.treatments[0]!), mde: MDE }));
  }, 300_000);

  test("GIVEN 2,000 A/A experiments without covariate looked at daily for 120 days WHEN every look may decide THEN at most 5% end as winner or loser", () => {
    const rate = plain.filter(decisive).length / EXPERIMENTS;
    console.log(`A/A 120 days, unadjusted: false-positive rate ${pct(rate)}`);
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  test("GIVEN the same A/A experiments with the cart value as covariate WHEN the verdict adjusts by CUPED THEN at most 5% end as winner or loser (the adjustment is unbiased)", () => {
    const rate = withCov.filter(decisive).length / EXPERIMENTS;
    const mean = withCov.reduce((a, v) => a + v.estimate, 0) / EXPERIMENTS;
    console.log(`A/A 120 days, CUPED: false-positive rate ${pct(rate)}; mean adjusted difference ${mean.toFixed(3)} per visitor (truth 0)`);
    expect(rate).toBeLessThanOrEqual(0.05);
    expect(Math.abs(mean)).toBeLessThan(0.5);
  });
});

describe("a real +8% lift, 30 days", () => {
  let runs: Experiment[] = [];
  let verdicts: Verdict[] = [];
  beforeAll(() => {
    runs = simulateExperiments(8, EXPERIMENTS, 30, VISITORS, LIFT);
    verdicts = runs.map((e) => experimentVerdict({ control: e.control, treatment: e.treatments[0]!, mde: MDE }));
  }, 300_000);

  test("GIVEN 2,000 experiments with a true +8% RPV lift WHEN looked at daily for 30 days THEN at least 40% are called winners, against a fixed day-30 Welch test's power of about 45%", () => {
    const power = verdicts.filter((v) => v.kind === "winner").length / EXPERIMENTS;
    const plainPower = runs.filter((e) => experimentVerdict({ control: withoutCovariate(e.control), treatment: withoutCovariate(e.treatments[0]!), mde: MDE }).kind === "winner").length / EXPERIMENTS;
    const fixed = runs.filter((e) => {
      const w = welch(summarize(total(e.treatments[0]!)), summarize(total(e.control)));
      return w.pValue < 0.05 && w.estimate > 0;
    }).length / EXPERIMENTS;
    console.log(`+8% lift, 30 days: winner ${pct(power)} with CUPED, ${pct(plainPower)} without; fixed day-30 Welch power ${pct(fixed)}`);
    expect(power).toBeGreaterThanOrEqual(0.4);
    expect(fixed).toBeGreaterThan(0.4);
    expect(fixed).toBeLessThan(0.5);
  });

  test("GIVEN the experiments declared winners WHEN the lift interval shown at the deciding look is read THEN it covers the true +8% at least 90% of the time", () => {
    const winners = verdicts.filter((v) => v.kind === "winner");
    const liftCovered = winners.filter((v) => v.lift !== null && v.lift.lower <= LIFT && LIFT <= v.lift.upper).length / winners.length;
    const diffCovered = winners.filter((v) => v.interval.lower <= TRUE_DIFF && TRUE_DIFF <= v.interval.upper).length / winners.length;
    const naive = winners.reduce((a, v) => a + v.lift!.estimate, 0) / winners.length;
    const day = winners.reduce((a, v) => a + v.decidedOnDay! + 1, 0) / winners.length;
    console.log(`winners ${winners.length}: lift interval covers +8% in ${pct(liftCovered)}, difference interval covers ${TRUE_DIFF} in ${pct(diffCovered)}; mean naive lift at decision ${pct(naive)} (truth 8%), mean decision day ${day.toFixed(1)}`);
    expect(liftCovered).toBeGreaterThanOrEqual(0.9);
    expect(diffCovered).toBeGreaterThanOrEqual(0.9);
  });

  test("GIVEN the cart value at exposure as covariate WHEN CUPED adjusts the difference THEN its variance falls by about the squared correlation", () => {
    const reductions = verdicts.map((v) => v.varianceReduction!);
    const mean = reductions.reduce((a, b) => a + b, 0) / reductions.length;
    const e = runs[0]!;
    const c = total(e.control);
    const t = total(e.treatments[0]!);
    const n = c.n + t.n;
    const mx = (c.xSum! + t.xSum!) / n;
    const my = (c.sum + t.sum) / n;
    const corr = ((c.xySum! + t.xySum!) / n - mx * my) / Math.sqrt(((c.xSq! + t.xSq!) / n - mx * mx) * ((c.sumSq + t.sumSq) / n - my * my));
    console.log(`CUPED on the cart value: correlation ${corr.toFixed(3)} (one experiment), mean variance reduction ${pct(mean)}`);
    expect(mean).toBeGreaterThan(0.08);
    expect(mean).toBeLessThan(0.16);
  });
});
