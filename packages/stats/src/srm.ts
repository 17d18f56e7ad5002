import { gammaQ } from "./special";

/** Survival function of the chi-square distribution: P(X > x) with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) return NaN;
  if (!(x > 0)) return 1;
  return gammaQ(df / 2, x / 2);
}

export interface SampleRatioMismatch {
  /** Chi-square goodness-of-fit statistic and its degrees of freedom (arms - 1). */
  statistic: number;
  df: number;
  pValue: number;
  /** p < threshold (0.001, the usual SRM threshold). */
  flagged: boolean;
  /** For the merchant when flagged, null otherwise. */
  reason: string | null;
}

export const SRM_THRESHOLD = 0.001;

const pct = (x: number) => `${(x * 100).toFixed(x * 100 >= 10 ? 1 : 2)}%`;

/**
 * Sample ratio mismatch: are the visitors counted per arm consistent with the configured split?
 * Pearson's chi-square goodness of fit of `observed` counts against `expectedShares` (normalized
 * to sum to 1), df = arms - 1. A mismatch (p < 0.001) means the assignment or the counting is
 * broken (a redirect losing one arm's visitors, a bot filter hitting one arm, a cache serving one
 * arm): the comparison is then untrustworthy whatever it shows, so the verdict is blocked.
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  expectedShares: readonly number[],
  threshold = SRM_THRESHOLD,
): SampleRatioMismatch {
  if (observed.length !== expectedShares.length || observed.length < 2) {
    throw new Error("sampleRatioMismatch: one expected share per arm, at least two arms");
  }
  const total = observed.reduce((a, b) => a + b, 0);
  const shareSum = expectedShares.reduce((a, b) => a + b, 0);
  const df = observed.length - 1;
  if (!(total > 0) || !(shareSum > 0) || expectedShares.some((s) => !(s > 0))) {
    return { statistic: 0, df, pValue: 1, flagged: false, reason: null };
  }
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * expectedShares[i]!) / shareSum;
    statistic += (observed[i]! - expected) ** 2 / expected;
  }
  const pValue = chiSquareSf(statistic, df);
  const flagged = pValue < threshold;
  const reason = flagged
    ? `Visitors split ${observed.map((o) => pct(o / total)).join(" / ")} where ${expectedShares.map((s) => pct(s / shareSum)).join(" / ")} was configured ` +
      `(${total.toLocaleString("en-US")} visitors; chi-square p = ${pValue.toPrecision(2)} < ${threshold}). ` +
      "A gap this large does not happen by chance: some visitors are being lost or double-counted in one arm " +
      "(a redirect, a bot filter, a cached page), so the results cannot be trusted until that is fixed."
    : null;
  return { statistic, df, pValue, flagged, reason };
}
