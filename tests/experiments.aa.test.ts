/**
 * The must-show: A/A experiments looked at every day for 120 days through the dashboard's
 * default view (last 30 days) must not call a winner or loser more than 5% of the time. The
 * simulated ExperimentDaily rows go through `dashboardExperiments`, the pure half of
 * `dashboardData` (same verdict code, same default filters as the page).
 */
import { describe, expect, it } from "vitest";
import { mulberry32, normalDraw } from "@moments/stats";
import { dashboardExperiments, filtersFromUrl } from "~/measurement/dashboard.server";
import type { RollupRow } from "~/experiments/report.server";
import { configuredShares } from "~/offers/versions";

const EXPERIMENTS = 2000;
const DAYS = 120;
const START = Date.UTC(2026, 0, 1);
const dayOf = (i: number) => new Date(START + i * 86400_000).toISOString().slice(0, 10);

/** One A/A arm-day: visitors with a cart (the covariate) who convert at 5% and spend about their cart. */
function armDay(random: () => number, experimentId: string, arm: string, day: string, visitors: number): RollupRow {
  const row: RollupRow = {
    experimentId,
    version: 1,
    offerId: "offer-aa",
    arm,
    day,
    visitors,
    converters: 0,
    orders: 0,
    revenueMinor: 0,
    revenueSq: 0,
    orderValueSq: 0,
    covariateN: visitors,
    covariateSum: 0,
    covariateSq: 0,
    crossSum: 0,
  };
  for (let i = 0; i < visitors; i++) {
    const cart = Math.round(Math.exp(8 + 0.5 * normalDraw(random)));
    const revenue = random() < 0.05 ? Math.max(0, Math.round(cart * (1 + 0.2 * normalDraw(random)))) : 0;
    row.covariateSum += cart;
    row.covariateSq += cart * cart;
    row.crossSum += cart * revenue;
    if (revenue > 0) {
      row.converters++;
      row.orders++;
      row.orderValueSq += revenue * revenue;
    }
    row.revenueMinor += revenue;
    row.revenueSq += revenue * revenue;
  }
  return row;
}

describe("A/A through the dashboard's default view", () => {
  it("GIVEN 2,000 A/A experiments looked at daily for 120 days in the default 30-day view WHEN verdicts are read THEN at most 5% ever show a winner or loser", () => {
    const random = mulberry32(20261120);
    const shares = configuredShares(1000, [{ id: "vA", weight: 1 }]);
    let falsePositives = 0;
    let lookedAfterWindow = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const id = `aa-${e}`;
      const meta = {
        id,
        offerId: "offer-aa",
        offerName: "A/A",
        status: "running",
        holdoutBps: 1000,
        version: 1,
        startedAt: new Date(START).toISOString(),
        archivedAt: null,
        winnerArmId: null,
        variants: [{ id: "vA", name: "A", weight: 1 }],
      };
      const version = {
        experimentId: id,
        version: 1,
        startedAt: new Date(START).toISOString(),
        endedAt: null,
        holdoutBps: 1000,
        shares,
        reason: "",
      };
      const rows: RollupRow[] = [];
      let flagged = false;
      for (let d = 0; d < DAYS; d++) {
        // Assignment at the configured 10/90 split, 100-300 buyers a day.
        const total = 100 + Math.floor(random() * 200);
        let holdout = 0;
        for (let i = 0; i < total; i++) if (random() < shares.holdout!) holdout++;
        rows.push(
          armDay(random, id, "holdout", dayOf(d), holdout),
          armDay(random, id, "vA", dayOf(d), total - holdout),
        );
        // The page's default view on that day: the last 30 days.
        const now = new Date(START + d * 86400_000 + 18 * 3600_000);
        const filters = filtersFromUrl(new URL("https://moments.test/app/dashboard"), now);
        if (filters.from > dayOf(0)) lookedAfterWindow++;
        const [report] = dashboardExperiments(
          { rows, experiments: [meta], versions: [version], takes: [] },
          filters,
          [],
        );
        const kind = report!.versions[0]!.comparisons[0]?.verdict?.kind;
        if (kind === "winner" || kind === "loser") flagged = true;
      }
      if (flagged) falsePositives++;
    }
    const rate = falsePositives / EXPERIMENTS;
    console.log(
      `A/A false-positive rate, daily looks for ${DAYS} days in the default view: ${(rate * 100).toFixed(2)}% (${falsePositives}/${EXPERIMENTS})`,
    );
    expect(lookedAfterWindow).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(0.05);
  }, 600_000);
});
