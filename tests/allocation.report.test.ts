import { describe, expect, test } from "vitest";
import { buildExperimentReports, type ReportInput, type RollupRow } from "~/experiments/report.server";

/**
 * The experiment report under automatic allocation (decision 030): the sample-ratio check uses the
 * shares of the epoch in force each day, and the report says which comparisons are valid.
 * 14 days of 1,000 visitors: hold-out 10% throughout; variants a / b at 45% / 45% for 7 days, then
 * at 15% / 75% (the job moved the weights on 2026-11-08).
 */
const day = (i: number) => `2026-11-${String(i + 1).padStart(2, "0")}`;
const row = (arm: string, d: number, visitors: number): RollupRow => {
  const orders = Math.round(visitors * 0.05);
  const order = arm === "b" ? 6000 : 5000;
  return {
    experimentId: "exp-auto",
    version: 1,
    offerId: "offer-auto",
    arm,
    day: day(d),
    visitors,
    converters: orders,
    orders,
    revenueMinor: orders * order,
    revenueSq: orders * order * order,
    orderValueSq: orders * order * order,
    covariateN: 0,
    covariateSum: 0,
    covariateSq: 0,
    crossSum: 0,
  };
};
const rows: RollupRow[] = [];
for (let d = 0; d < 14; d++) {
  rows.push(row("holdout", d, 100), row("a", d, d < 7 ? 450 : 150), row("b", d, d < 7 ? 450 : 750));
}
const input = (allocation: "fixed" | "automatic"): ReportInput => ({
  rows,
  experiments: [
    {
      id: "exp-auto",
      offerId: "offer-auto",
      offerName: "Auto",
      status: "running",
      holdoutBps: 1000,
      version: 1,
      startedAt: "2026-11-01T00:00:00.000Z",
      archivedAt: null,
      winnerArmId: null,
      variants: [
        { id: "a", name: "A", weight: 1 },
        { id: "b", name: "B", weight: 1 },
      ],
      allocation,
    },
  ],
  versions: [
    {
      experimentId: "exp-auto",
      version: 1,
      startedAt: "2026-11-01T00:00:00.000Z",
      endedAt: null,
      holdoutBps: 1000,
      shares: { holdout: 0.1, a: 0.45, b: 0.45 },
      reason: "",
    },
  ],
  takes: [],
  epochs: [
    {
      experimentId: "exp-auto",
      version: 1,
      day: day(7),
      holdoutBps: 1000,
      weights: { a: 1500, b: 7500 },
      probabilities: { a: 0.05, b: 0.95 },
      publishedAt: `${day(7)}T00:05:00.000Z`,
    },
  ],
  segmentViews: 1,
  includeWithoutData: false,
});

describe("the report under automatic allocation", () => {
  test("GIVEN weights that moved on day 8 WHEN the sample ratio is checked THEN it expects each day's split from the epoch in force and finds no mismatch", () => {
    const [v] = buildExperimentReports(input("automatic"))[0]!.versions;
    expect(v!.srm?.flagged).toBe(false);
    expect(v!.arms.find((a) => a.arm === "b")!.expectedShare).toBeCloseTo((7 * 450 + 7 * 750) / 14000, 10);
    expect(v!.arms.find((a) => a.arm === "holdout")!.expectedShare).toBeCloseTo(0.1, 10);
  });

  test("GIVEN the same visitors read as a fixed 45/45 split WHEN the sample ratio is checked THEN it is a mismatch (what the epochs prevent)", () => {
    const [v] = buildExperimentReports({ ...input("fixed"), epochs: [] })[0]!.versions;
    expect(v!.srm?.flagged).toBe(true);
  });

  test("GIVEN weights that moved WHEN the comparisons are reported THEN each variant against the hold-out is marked not valid, and all variants pooled against the hold-out is reported and valid", () => {
    const [v] = buildExperimentReports(input("automatic"))[0]!.versions;
    expect(v!.comparisons.map((c) => [c.arm, c.pooled ?? false, c.valid])).toEqual([
      ["a", false, false],
      ["b", false, false],
      ["variants", true, true],
    ]);
    expect(v!.comparisonsCounted).toBe(3);
    expect(v!.allocation?.epochs.map((e) => e.day)).toEqual([day(7)]);
  });
});
