/** The shapes of experiment results shared by the loader, the builder and the pages that render them. */
import type { Verdict } from "./stats";

/** The minimum detectable effect the verdicts use, relative to the hold-out's revenue per visitor. */
export const RELATIVE_MDE = 0.05;

/** ExperimentDaily summed over device / country / segment (after any segment filter). */
export interface RollupRow {
  experimentId: string;
  version: number;
  offerId: string;
  arm: string;
  day: string;
  visitors: number;
  converters: number;
  orders: number;
  revenueMinor: number;
  revenueSq: number;
  orderValueSq: number;
  covariateN: number;
  covariateSum: number;
  covariateSq: number;
  crossSum: number;
}

export interface ExperimentMeta {
  id: string;
  offerId: string;
  offerName: string;
  status: string;
  /** The offer's status (absent: read as active); a running experiment of a paused offer is paused. */
  offerStatus?: string;
  holdoutBps: number;
  version: number;
  startedAt: string | null;
  archivedAt: string | null;
  winnerArmId: string | null;
  variants: Array<{ id: string; name: string; weight: number }>;
  /** "fixed" (absent) or "automatic" (decision 030). */
  allocation?: string;
}

/** The weights an automatic experiment version was published with from `day` on (AllocationEpoch). */
export interface EpochRow {
  experimentId: string;
  version: number;
  day: string;
  holdoutBps: number;
  /** Arm id -> basis points of all traffic. */
  weights: Record<string, number>;
  probabilities: Record<string, number>;
  publishedAt: string;
}

export interface VersionMeta {
  experimentId: string;
  version: number;
  startedAt: string;
  endedAt: string | null;
  holdoutBps: number;
  shares: Record<string, number> | null;
  reason: string;
}

/** MomentDaily accepts / impressions of a variant arm on one day. */
export interface TakeRow {
  offerId: string;
  armId: string;
  day: string;
  impressions: number;
  accepts: number;
}

export interface ArmReport {
  arm: string;
  /** The merchant's variant name; "Hold-out" for the hold-out. */
  label: string;
  visitors: number;
  orders: number;
  revenueMinor: number;
  /** Revenue per visitor, minor units (fractional). */
  rpv: number | null;
  /** Average order value, minor units (fractional). */
  aov: number | null;
  impressions: number | null;
  accepts: number | null;
  takeRate: number | null;
  expectedShare: number | null;
  observedShare: number | null;
}

export interface ComparisonReport {
  arm: string;
  label: string;
  /** RPV(arm) - RPV(hold-out): the verdict's estimate and its interval valid at this look. */
  incrementalRpv: { estimate: number; lower: number; upper: number } | null;
  liftRpv: { estimate: number; lower: number; upper: number } | null;
  /** AOV(arm) - AOV(hold-out), fixed-horizon Welch 95%, for reading only. */
  incrementalAov: { estimate: number; lower: number; upper: number } | null;
  verdict: Verdict | null;
  /** Every variant pooled against the hold-out (automatic allocation): arm "variants". */
  pooled?: boolean;
  /**
   * Under automatic allocation whose weights moved (decision 030): false for a single arm against
   * the hold-out (pooled over epochs with different shares it can be biased by any change over
   * time), true for the pooled comparison (the hold-out's share never moved). Absent: fixed split.
   */
  valid?: boolean;
}

export interface VersionReport {
  version: number;
  current: boolean;
  startedAt: string | null;
  endedAt: string | null;
  reason: string;
  /** Calendar days of this version from its start to its last data (the daily looks). */
  days: number;
  firstDay: string | null;
  lastDay: string | null;
  arms: ArmReport[];
  comparisons: ComparisonReport[];
  /** Over every arm of the version against its configured shares; null without shares. */
  srm: { pValue: number; flagged: boolean; reason: string } | null;
  /** The multiplicity the verdicts were corrected for: variants x segment views. */
  comparisonsCounted: number;
  /** Automatic allocation (decision 030): the epochs of this version, oldest first; absent when fixed. */
  allocation?: { mode: "automatic"; epochs: EpochRow[] };
}

export interface ExperimentReport {
  experimentId: string;
  offerId: string;
  offerName: string;
  /** The experiment's own lifecycle; the admin shows it with the offer's (experiments/status.ts). */
  status: string;
  /** The offer's status; null when the offer is gone. */
  offerStatus: string | null;
  archived: boolean;
  currentVersion: number;
  startedAt: string | null;
  holdoutPct: number;
  winnerArmId: string | null;
  variants: Array<{ id: string; name: string; weight: number }>;
  /** Newest first. */
  versions: VersionReport[];
}

export interface ReportInput {
  rows: RollupRow[];
  experiments: ExperimentMeta[];
  versions: VersionMeta[];
  takes: TakeRow[];
  /** Allocation epochs (decision 030); absent or empty for fixed splits. */
  epochs?: EpochRow[];
  /** How many segment views the page offers for the applied filter (1 without a filter). */
  segmentViews: number;
  /** Experiments with no roll-up rows too (the experiments page), or only those with data. */
  includeWithoutData: boolean;
}
