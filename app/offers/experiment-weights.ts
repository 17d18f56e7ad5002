/**
 * Weights that starve an arm (decision 032): a variant whose share of the variants' traffic is so
 * small that it would take far longer than the others to reach a verdict. A warning, not an error:
 * a merchant may mean to expose a risky variant to few buyers.
 */

/** Below this share of the variants' traffic an arm is called starved (a tenth: ten equal arms are not). */
export const STARVED_SHARE = 0.1;

export interface StarvedArm {
  index: number;
  name: string;
  /** Its share of the variants' traffic, 0-1 (0: never shown). */
  share: number;
  /** About how many times as long as the largest arm it takes to collect as many buyers. */
  times: number;
  /** The largest arm's name. */
  largest: string;
}

const weightOf = (s: string) => (/^\d+$/.test(s.trim()) && Number(s) <= 10000 ? Number(s) : null);

/**
 * The starved arms of the form's variants. Each arm's verdict needs about as many buyers as the
 * others', so its time to one grows as its share shrinks: `times` = largest weight / its weight.
 * With automatic allocation the job sets the shares (never under 5%; decision 030), so only a
 * weight of 0 (an arm paused, never shown) is called starved. Unreadable weights are the form
 * rules' to report, and with fewer than two arms nothing competes.
 */
export function starvedArms(
  variants: ReadonlyArray<{ name: string; weight: string }>,
  allocation: "fixed" | "automatic" = "fixed",
): StarvedArm[] {
  if (variants.length < 2) return [];
  const weights = variants.map((v) => weightOf(v.weight));
  if (weights.some((w) => w === null)) return [];
  const ws = weights as number[];
  const total = ws.reduce((s, w) => s + w, 0);
  if (total <= 0) return [];
  const max = Math.max(...ws);
  const largest = variants[ws.indexOf(max)]!.name;
  const out: StarvedArm[] = [];
  ws.forEach((w, index) => {
    const share = w / total;
    if (w > 0 && (allocation === "automatic" || share >= STARVED_SHARE)) return;
    out.push({ index, name: variants[index]!.name, share, times: w > 0 ? max / w : Infinity, largest });
  });
  return out;
}
