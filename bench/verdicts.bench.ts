/**
 * Verdict benchmark: the dashboard's per-experiment verdicts over the whole life of a version.
 * 1,000 experiments x 120 days of daily roll-ups (two arms, with covariate sums), every verdict
 * recomputed from all its days, beside a same-run baseline that only reads the same rows once (a
 * bare loop summing the 1,000 x 120 x 2 daily rows): the honest lower limit for any verdict.
 */
import { experimentVerdict, mulberry32, type Sums } from "../packages/stats/src/index";
import { report } from "./lib/report";

const EXPERIMENTS = 1000;
const DAYS = 120;
const random = mulberry32(7);
// Daily roll-ups with realistic magnitudes (2,000 visitors a day, ~300 revenue per visitor).
const day = (lift: number): Required<Omit<Sums, "converters">> => {
  const n = 1900 + Math.floor(random() * 200);
  const mean = 300 * (1 + lift) * (1 + 0.1 * (random() - 0.5));
  const sum = n * mean;
  const sumSq = n * (mean * mean + 1_300_000 * (0.9 + 0.2 * random()));
  const xSum = n * 1800 * (1 + 0.05 * (random() - 0.5));
  const xSq = n * 1800 * 1800 * 4 * (0.9 + 0.2 * random());
  const xySum = xSum * mean * 1.4;
  return { n, sum, sumSq, xSum, xSq, xySum };
};
const data = Array.from({ length: EXPERIMENTS }, (_, e) => ({
  control: Array.from({ length: DAYS }, () => day(0)),
  treatment: Array.from({ length: DAYS }, () => day(e % 3 === 0 ? 0.08 : 0)),
}));

let sink = 0;
const baselineOnce = () => {
  let s = 0;
  for (const e of data) {
    for (const arm of [e.control, e.treatment]) {
      for (const d of arm) s += d.n + d.sum + d.sumSq + d.xSum + d.xSq + d.xySum;
    }
  }
  sink += s;
};
const verdictsOnce = () => {
  for (const e of data) sink += experimentVerdict({ ...e, mde: 15, expectedShares: [0.5, 0.5] }).alphaUsed;
};
const best = (fn: () => void, runs: number) => {
  fn();
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
};

const baseline = best(baselineOnce, 20);
const verdicts = best(verdictsOnce, 3);
report({
  name: "verdicts, 1,000 experiments x 120 days (2 arms, covariate sums)",
  value: verdicts,
  unit: "ms",
  baseline: { value: baseline, label: "summing the same 240,000 daily rows once" },
  budget: { limit: 1000, kind: "max" },
});
report({
  name: "verdict per experiment (120 days)",
  value: verdicts / EXPERIMENTS,
  unit: "ms",
  baseline: { value: baseline / EXPERIMENTS, label: "summing its 240 daily rows" },
});
if (sink === 42) console.log(sink);
