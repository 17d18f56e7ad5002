/**
 * Deterministic experiment assignment (pure, integer hashing, no crypto, identical on every JS
 * engine: only +, -, *, / and Math.imul, which IEEE-754 / ECMAScript define exactly).
 *
 *  bucket = h("<experimentId>:<buyerKey>") mod 10000; bucket < holdoutBps -> hold-out.
 *  Otherwise weighted rendezvous hashing: every variant v draws u_v = h("<exp>:<key>:<v.id>")
 *  mapped to (0,1) and scores -ln(u_v) / weight_v (an exponential race); the lowest score wins.
 *  P(v wins) = weight_v / sum(weights) exactly, and adding a variant only moves buyers *to* the
 *  new variant: nobody is reshuffled between existing arms.
 */
export type Arm = { kind: "holdout" } | { kind: "variant"; armId: string };

export interface ExperimentLike {
  id: string;
  holdoutBps: number;
  variants: ReadonlyArray<{ id: string; weight: number }>;
}

/** FNV-1a 32-bit over UTF-16 code units, continuing from state `h`. */
const fnv = (s: string, h: number): number => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
};

/** FNV-1a 32-bit with the murmur3 finalizer for avalanche. */
export const hash32 = (s: string): number => fin(fnv(s, 0x811c9dc5));

function fin(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const LN2 = 0.6931471805599453;
/** Natural log from basic arithmetic only (Math.log may differ by an ulp across engines). */
export function ln(x: number): number {
  let k = 0;
  // Exact range reduction to [sqrt(1/2), sqrt(2)), then ln x = 2 atanh(t), |t| < 0.172.
  while (x >= 1.4142135623730951) {
    x /= 2;
    k++;
  }
  while (x < 0.7071067811865476) {
    x *= 2;
    k--;
  }
  const t = (x - 1) / (x + 1);
  const t2 = t * t;
  let s = 0;
  let p = t;
  for (let n = 1; n < 26; n += 2) {
    s += p / n;
    p *= t2;
  }
  return 2 * s + k * LN2;
}

export function assign(exp: ExperimentLike, buyerKey: string): Arm {
  // Same values as hash32(`${id}:${key}`) and hash32(`${id}:${key}:${variant}`), without concatenating.
  const base = fnv(buyerKey, fnv(":", fnv(exp.id, 0x811c9dc5)));
  if (fin(base) % 10000 < exp.holdoutBps) return { kind: "holdout" };
  const withColon = fnv(":", base);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const v of exp.variants) {
    if (!(v.weight > 0)) continue;
    const score = -ln((fin(fnv(v.id, withColon)) + 0.5) / 4294967296) / v.weight;
    if (score < bestScore) {
      bestScore = score;
      best = v.id;
    }
  }
  return best === undefined ? { kind: "holdout" } : { kind: "variant", armId: best };
}
