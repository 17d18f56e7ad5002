import { expect, test } from "vitest";
import { experimentVerdict, type Verdict } from "../src";
import { RPV_MEAN, simulateExperiments } from "./rpvModel";

// Multiplicity: Bonferroni over the comparisons of a family (here 3 variants vs one hold-out).
const EXPERIMENTS = 2000;
const VISITORS = 2000;
const MDE = 0.05 * RPV_MEAN;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const decisive = (v: Verdict) => v.kind === "winner" || v.kind === "loser";

test("GIVEN 2,000 A/A experiments with 3 variants against one hold-out WHEN each is judged with comparisons = 3 THEN the family-wise rate of any winner or loser in 30 days stays at or below 5%", () => {
  const runs = simulateExperiments(3, EXPERIMENTS, 30, VISITORS, 0, 3);
  let any = 0;
  for (const e of runs) {
    const hit = e.treatments.some((t) => decisive(experimentVerdict({ control: e.control, treatment: t, mde: MDE, comparisons: 3 })));
    if (hit) any++;
  }
  const v = experimentVerdict({ control: runs[0]!.control, treatment: runs[0]!.treatments[0]!, mde: MDE, comparisons: 3 });
  console.log(`A/A with 3 variants, comparisons = 3 (alpha used ${v.alphaUsed.toFixed(4)} each): family-wise rate ${pct(any / EXPERIMENTS)}`);
  expect(v.alphaUsed).toBeCloseTo(0.05 / 3, 12);
  expect(any / EXPERIMENTS).toBeLessThanOrEqual(0.05);
}, 300_000);
