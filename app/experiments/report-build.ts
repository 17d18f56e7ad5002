/**
 * The pure half of the experiment results: from roll-up rows to per-version, per-arm reports and
 * verdicts, with no database access, so the dashboard, the experiments page and the tests that feed
 * it rows directly all get the same numbers.
 */
import { welch, summarize, type Sums } from "@moments/stats";
import { configuredShares } from "~/offers/versions";
import { experimentVerdict, sampleRatioMismatch, type DaySums, type Verdict } from "./stats";
import {
  RELATIVE_MDE,
  type ArmReport,
  type ComparisonReport,
  type EpochRow,
  type ExperimentReport,
  type ReportInput,
  type RollupRow,
  type TakeRow,
  type VersionMeta,
  type VersionReport,
} from "./report-model";

const DAY_MS = 86400_000;
/**
 * Every UTC calendar day from the version's start (or its first data) to its last data, so a look
 * is a day of calendar time: days without traffic still move the planned horizon forward.
 */
function calendarDays(startedOn: string | null, dataDays: readonly string[]): string[] {
  if (dataDays.length === 0) return [];
  const sorted = [...dataDays].sort();
  const first = startedOn && startedOn < sorted[0]! ? startedOn : sorted[0]!;
  const out: string[] = [];
  for (
    let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
    t <= end;
    t += DAY_MS
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const sumsOf = (list: DaySums[]): Sums =>
  list.reduce((a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq }), { n: 0, sum: 0, sumSq: 0 });

export function buildExperimentReports(input: ReportInput): ExperimentReport[] {
  const meta = new Map(input.experiments.map((e) => [e.id, e]));
  const rowsBy = new Map<string, RollupRow[]>();
  for (const r of input.rows) {
    const list = rowsBy.get(r.experimentId) ?? [];
    list.push(r);
    rowsBy.set(r.experimentId, list);
  }
  const ids = [...new Set([...(input.includeWithoutData ? input.experiments.map((e) => e.id) : []), ...rowsBy.keys()])];
  const out: ExperimentReport[] = [];
  for (const id of ids) {
    const rows = rowsBy.get(id) ?? [];
    const m = meta.get(id);
    const versionRows = input.versions.filter((v) => v.experimentId === id).sort((a, b) => a.version - b.version);
    const current = m?.version ?? Math.max(1, ...rows.map((r) => r.version));
    const numbers = [
      ...new Set([...rows.map((r) => r.version), ...versionRows.map((v) => v.version), ...(m ? [current] : [])]),
    ].sort((a, b) => b - a);
    const offerId = m?.offerId ?? rows[0]?.offerId ?? "";
    const names = new Map((m?.variants ?? []).map((v) => [v.id, v.name]));
    const label = (arm: string) => (arm === "holdout" ? "Hold-out" : (names.get(arm) ?? `Removed variant ${arm}`));
    const takes = input.takes.filter((t) => t.offerId === offerId);
    const versionOfDay = (day: string) => {
      let v = versionRows[0]?.version ?? current;
      for (const row of versionRows) if (row.startedAt.slice(0, 10) <= day) v = row.version;
      return v;
    };
    out.push({
      experimentId: id,
      offerId,
      offerName: m?.offerName ?? (offerId || "(deleted offer)"),
      status: m?.status ?? "deleted",
      offerStatus: m ? (m.offerStatus ?? "active") : null,
      archived: Boolean(m?.archivedAt) || m?.status === "archived",
      currentVersion: current,
      startedAt: m?.startedAt ?? null,
      holdoutPct: (m?.holdoutBps ?? 0) / 100,
      winnerArmId: m?.winnerArmId ?? null,
      variants: m?.variants ?? [],
      versions: numbers.map((n) => {
        const vm = versionRows.find((v) => v.version === n) ?? null;
        // A version without its row (data from before versions): the current configuration's shares.
        const shares = vm?.shares ?? (m && n === current ? configuredShares(m.holdoutBps, m.variants) : null);
        return versionReport({
          version: n,
          current: n === current,
          meta: vm,
          shares,
          rows: rows.filter((r) => r.version === n),
          takes: takes.filter((t) => versionOfDay(t.day) === n),
          variantOrder: (m?.variants ?? []).map((v) => v.id),
          label,
          segmentViews: input.segmentViews,
          automatic: m?.allocation === "automatic",
          epochs: (input.epochs ?? []).filter((e) => e.experimentId === id && e.version === n),
        });
      }),
    });
  }
  return out;
}

/** A mismatch anywhere in the version's split invalidates every comparison of it. */
function withSplitMismatch(
  verdict: Verdict | null,
  srm: ReturnType<typeof sampleRatioMismatch> | null,
): Verdict | null {
  if (!verdict || !srm?.flagged || verdict.kind === "sample_ratio_mismatch") return verdict;
  return {
    ...verdict,
    kind: "sample_ratio_mismatch",
    reason: srm.reason,
    daysToDecision: null,
    decidedOnDay: null,
    srm,
  };
}

function versionReport(p: {
  version: number;
  current: boolean;
  meta: VersionMeta | null;
  shares: Record<string, number> | null;
  rows: RollupRow[];
  takes: TakeRow[];
  variantOrder: string[];
  label: (arm: string) => string;
  segmentViews: number;
  automatic?: boolean;
  epochs?: EpochRow[];
}): VersionReport {
  const days = calendarDays(
    p.meta?.startedAt.slice(0, 10) ?? null,
    p.rows.map((r) => r.day),
  );
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const configured = p.shares ? Object.keys(p.shares).filter((a) => p.shares![a]! > 0) : [];
  const armSet = new Set([...configured, ...p.rows.map((r) => r.arm)]);
  const rank = (a: string) =>
    a === "holdout" ? -1 : p.variantOrder.indexOf(a) === -1 ? 1000 : p.variantOrder.indexOf(a);
  const arms = [...armSet].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const daily = new Map<string, DaySums[]>();
  const covariateFull = new Map<string, boolean>();
  const orderSums = new Map<string, Sums>();
  const totals = new Map<string, { visitors: number; orders: number; revenue: number }>();
  for (const arm of arms) {
    daily.set(
      arm,
      days.map(() => ({ n: 0, sum: 0, sumSq: 0, xSum: 0, xSq: 0, xySum: 0, converters: 0 })),
    );
    covariateFull.set(arm, true);
    orderSums.set(arm, { n: 0, sum: 0, sumSq: 0 });
    totals.set(arm, { visitors: 0, orders: 0, revenue: 0 });
  }
  const covN = new Map<string, number[]>(arms.map((a) => [a, days.map(() => 0)]));
  for (const r of p.rows) {
    const i = dayIndex.get(r.day)!;
    const d = daily.get(r.arm)![i]!;
    d.n += r.visitors;
    d.sum += r.revenueMinor;
    d.sumSq += r.revenueSq;
    d.xSum! += r.covariateSum;
    d.xSq! += r.covariateSq;
    d.xySum! += r.crossSum;
    d.converters! += r.converters;
    covN.get(r.arm)![i]! += r.covariateN;
    const o = orderSums.get(r.arm)!;
    o.n += r.orders;
    o.sum += r.revenueMinor;
    o.sumSq += r.orderValueSq;
    const t = totals.get(r.arm)!;
    t.visitors += r.visitors;
    t.orders += r.orders;
    t.revenue += r.revenueMinor;
  }
  // CUPED only where every visitor of the arm has the pre-exposure covariate.
  for (const arm of arms)
    covariateFull.set(
      arm,
      daily.get(arm)!.every((d, i) => covN.get(arm)![i] === d.n),
    );
  const withoutCovariate = (list: DaySums[]) =>
    list.map(({ n, sum, sumSq, converters }) => ({ n, sum, sumSq, converters }));

  const allVisitors = arms.reduce((a, arm) => a + totals.get(arm)!.visitors, 0);
  // Automatic allocation (decision 030): the shares expected over the version are each day's
  // visitors split by the epoch in force that day (the configured shares before the first epoch).
  const epochs = [...(p.epochs ?? [])].sort((a, b) => a.day.localeCompare(b.day));
  const moved = Boolean(p.automatic) && epochs.length > 0;
  const shares = moved ? expectedOverEpochs(p.shares, epochs, arms, days, daily) : p.shares;
  const shareTotal = shares ? Object.values(shares).reduce((a, b) => a + b, 0) : 0;
  const armReports: ArmReport[] = arms.map((arm) => {
    const t = totals.get(arm)!;
    const takes = arm === "holdout" ? null : p.takes.filter((x) => x.armId === arm);
    const impressions = takes ? takes.reduce((a, x) => a + x.impressions, 0) : null;
    const accepts = takes ? takes.reduce((a, x) => a + x.accepts, 0) : null;
    return {
      arm,
      label: p.label(arm),
      visitors: t.visitors,
      orders: t.orders,
      revenueMinor: t.revenue,
      rpv: t.visitors ? t.revenue / t.visitors : null,
      aov: t.orders ? t.revenue / t.orders : null,
      impressions,
      accepts,
      takeRate: impressions ? (accepts ?? 0) / impressions : null,
      expectedShare: shares && shareTotal > 0 ? (shares[arm] ?? 0) / shareTotal : null,
      observedShare: allVisitors ? t.visitors / allVisitors : null,
    };
  });

  const srm =
    shares && allVisitors > 0
      ? sampleRatioMismatch(
          arms.map((a) => totals.get(a)!.visitors),
          arms.map((a) => shares[a] ?? 0),
        )
      : null;
  const variants = arms.filter((a) => a !== "holdout");
  const pooledToo = moved && variants.length > 1;
  const comparisonsCounted = (Math.max(1, variants.length) + (pooledToo ? 1 : 0)) * Math.max(1, p.segmentViews);
  const comparisons: ComparisonReport[] = [];
  if (arms.includes("holdout")) {
    const controlDays = daily.get("holdout")!;
    const control = summarize(sumsOf(controlDays));
    const controlOrders = summarize(orderSums.get("holdout")!);
    for (const arm of variants) {
      const treatmentDays = daily.get(arm)!;
      const treatment = summarize(sumsOf(treatmentDays));
      const treatmentOrders = summarize(orderSums.get(arm)!);
      const cuped = covariateFull.get("holdout")! && covariateFull.get(arm)!;
      const mde = RELATIVE_MDE * (control.mean > 0 ? control.mean : 1);
      let verdict: Verdict | null =
        control.n > 1 && treatment.n > 1
          ? experimentVerdict({
              control: cuped ? controlDays : withoutCovariate(controlDays),
              treatment: cuped ? treatmentDays : withoutCovariate(treatmentDays),
              mde,
              comparisons: comparisonsCounted,
              ...(shares ? { expectedShares: [shares.holdout ?? 0, shares[arm] ?? 0] as [number, number] } : {}),
            })
          : null;
      verdict = withSplitMismatch(verdict, srm);
      const aov = controlOrders.n > 1 && treatmentOrders.n > 1 ? welch(treatmentOrders, controlOrders) : null;
      const finite = verdict && Number.isFinite(verdict.interval.lower) && Number.isFinite(verdict.interval.upper);
      comparisons.push({
        arm,
        label: p.label(arm),
        incrementalRpv: finite
          ? { estimate: verdict!.estimate, lower: verdict!.interval.lower, upper: verdict!.interval.upper }
          : null,
        liftRpv: finite ? verdict!.lift : null,
        incrementalAov:
          aov && Number.isFinite(aov.lower) ? { estimate: aov.estimate, lower: aov.lower, upper: aov.upper } : null,
        verdict,
        ...(moved ? { valid: false } : {}),
      });
    }
    // Every variant pooled against the hold-out: still a randomized comparison at a constant share
    // when the variants' weights move, so it keeps measuring the incremental lift delivered.
    if (pooledToo) {
      const pooledDays = days.map((_, i) => {
        const out: DaySums = { n: 0, sum: 0, sumSq: 0, xSum: 0, xSq: 0, xySum: 0, converters: 0 };
        for (const arm of variants) {
          const d = daily.get(arm)![i]!;
          out.n += d.n;
          out.sum += d.sum;
          out.sumSq += d.sumSq;
          out.xSum! += d.xSum ?? 0;
          out.xSq! += d.xSq ?? 0;
          out.xySum! += d.xySum ?? 0;
          out.converters! += d.converters ?? 0;
        }
        return out;
      });
      const cuped = covariateFull.get("holdout")! && variants.every((a) => covariateFull.get(a)!);
      const treatment = summarize(sumsOf(pooledDays));
      const holdoutShare = shares?.holdout ?? 0;
      let verdict: Verdict | null =
        control.n > 1 && treatment.n > 1
          ? experimentVerdict({
              control: cuped ? controlDays : withoutCovariate(controlDays),
              treatment: cuped ? pooledDays : withoutCovariate(pooledDays),
              mde: RELATIVE_MDE * (control.mean > 0 ? control.mean : 1),
              comparisons: comparisonsCounted,
              ...(shares ? { expectedShares: [holdoutShare, shareTotal - holdoutShare] as [number, number] } : {}),
            })
          : null;
      verdict = withSplitMismatch(verdict, srm);
      const finite = verdict && Number.isFinite(verdict.interval.lower) && Number.isFinite(verdict.interval.upper);
      comparisons.push({
        arm: "variants",
        label: "All variants (pooled)",
        incrementalRpv: finite
          ? { estimate: verdict!.estimate, lower: verdict!.interval.lower, upper: verdict!.interval.upper }
          : null,
        liftRpv: finite ? verdict!.lift : null,
        incrementalAov: null,
        verdict,
        pooled: true,
        valid: true,
      });
    }
  }
  return {
    version: p.version,
    current: p.current,
    startedAt: p.meta?.startedAt ?? null,
    endedAt: p.meta?.endedAt ?? null,
    reason: p.meta?.reason ?? "",
    days: days.length,
    firstDay: days[0] ?? null,
    lastDay: days[days.length - 1] ?? null,
    arms: armReports,
    comparisons,
    srm,
    comparisonsCounted,
    ...(p.automatic ? { allocation: { mode: "automatic" as const, epochs } } : {}),
  };
}

/**
 * The shares a version's visitors were expected in when its weights moved by epoch: each day's
 * visitors (all arms) split by the weights in force that day, summed over days. The hold-out's share
 * is the same in every epoch. A chi-square on these pooled expectations is the SRM check per epoch
 * added up (each day's split is a multinomial with that day's shares).
 */
function expectedOverEpochs(
  configured: Record<string, number> | null,
  epochs: readonly EpochRow[],
  arms: readonly string[],
  days: readonly string[],
  daily: ReadonlyMap<string, DaySums[]>,
): Record<string, number> | null {
  const expected: Record<string, number> = Object.fromEntries(arms.map((a) => [a, 0]));
  let total = 0;
  days.forEach((day, i) => {
    let inForce: EpochRow | undefined;
    for (const e of epochs) if (e.day <= day) inForce = e;
    const split: Record<string, number> | null = inForce
      ? {
          holdout: inForce.holdoutBps / 10000,
          ...Object.fromEntries(Object.entries(inForce.weights).map(([a, bp]) => [a, bp / 10000])),
        }
      : configured;
    if (!split) return;
    const n = arms.reduce((s, a) => s + daily.get(a)![i]!.n, 0);
    const sum = arms.reduce((s, a) => s + (split[a] ?? 0), 0);
    if (!(n > 0) || !(sum > 0)) return;
    total += n;
    for (const a of arms) expected[a]! += (n * (split[a] ?? 0)) / sum;
  });
  if (!(total > 0)) return configured;
  return Object.fromEntries(arms.map((a) => [a, expected[a]! / total]));
}
