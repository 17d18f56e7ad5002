/**
 * One benchmark figure a line, always beside a baseline measured in the same run:
 *   name: value unit (baseline: value unit, xN) budget: <= B unit met|MISSED
 * The ratio makes figures comparable across machines; the budget says whether it is met.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { value: number; unit?: string; label?: string };
  /** Budget and its direction: "max" means value must be <= limit, "min" means >= limit. */
  budget?: { limit: number; kind: "max" | "min"; unit?: string };
}

const results: Array<{ figure: Figure; met: boolean | null }> = [];

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function report(figure: Figure): boolean | null {
  let line = `${figure.name}: ${fmt(figure.value)} ${figure.unit}`;
  if (figure.baseline) {
    const b = figure.baseline;
    const ratio = b.value === 0 ? Infinity : figure.value / b.value;
    line += ` (baseline${b.label ? ` ${b.label}` : ""}: ${fmt(b.value)} ${b.unit ?? figure.unit}, x${fmt(ratio)})`;
  }
  let met: boolean | null = null;
  if (figure.budget) {
    const { limit, kind, unit } = figure.budget;
    met = kind === "max" ? figure.value <= limit : figure.value >= limit;
    line += ` budget: ${kind === "max" ? "<=" : ">="} ${fmt(limit)} ${unit ?? figure.unit} ${met ? "met" : "MISSED"}`;
  }
  console.log(line);
  results.push({ figure, met });
  return met;
}

/** Times `fn` per call over `iterations` runs (after a warm-up), returns sorted ms samples. */
export function sampleMs(fn: () => unknown, iterations: number, warmup = Math.min(1000, iterations)): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples[i] = performance.now() - t0;
  }
  return samples.sort((a, b) => a - b);
}

/**
 * Samples two functions alternately, one call of each per round, so that both see the same
 * machine (a figure and its baseline measured in separate loops drift apart on a busy machine).
 */
export function sampleMsPaired(
  a: () => unknown,
  b: () => unknown,
  iterations: number,
  warmup = Math.min(1000, iterations),
): [number[], number[]] {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const as = new Array<number>(iterations);
  const bs = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    let t0 = performance.now();
    a();
    as[i] = performance.now() - t0;
    t0 = performance.now();
    b();
    bs[i] = performance.now() - t0;
  }
  return [as.sort((x, y) => x - y), bs.sort((x, y) => x - y)];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function missedBudgets(): Figure[] {
  return results.filter((r) => r.met === false).map((r) => r.figure);
}
