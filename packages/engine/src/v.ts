/**
 * A tiny schema DSL: the single source of truth for the offer model.
 * - `validate(spec, value)` is the dependency-free checker used by `decodePayload` (extensions:
 *   it costs ~1 KB instead of zod's ~7 KB brotli).
 * - `schema.ts` turns the same spec into a zod/mini schema for the admin forms and the publisher.
 */
export type Spec =
  | { k: "s"; min: number; max: number; re?: RegExp }
  | { k: "i"; min: number; max: number }
  | { k: "e"; v: readonly string[] }
  | { k: "a"; of: Spec; min: number; max: number }
  | { k: "r"; key: Spec; of: Spec }
  | { k: "o"; f: Record<string, Spec> }
  | { k: "u"; tag: string; of: Record<string, Spec> }
  | { k: "?"; of: Spec };

/** A spec carrying its TypeScript type (phantom). */
export type V<T> = Spec & { readonly __t?: T };
export type Infer<S> = S extends V<infer T> ? T : never;

type OptKeys<F> = { [K in keyof F]: F[K] extends { k: "?" } ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] };
type ObjT<F extends Record<string, V<unknown>>> = Flat<
  { [K in Exclude<keyof F, OptKeys<F>>]: Infer<F[K]> } & { [K in OptKeys<F>]?: Infer<F[K]> }
>;

export const str = (min = 1, max = 200, re?: RegExp): V<string> => ({ k: "s", min, max, re });
export const int = (min = 0, max = 1e12): V<number> => ({ k: "i", min, max });
export const enm = <T extends string>(v: readonly T[]): V<T> => ({ k: "e", v });
export const arr = <T>(of: V<T>, min = 0, max = 200): V<T[]> => ({ k: "a", of, min, max });
export const rec = <K extends string, T>(key: V<K>, of: V<T>): V<Partial<Record<K, T>>> => ({ k: "r", key, of });
export const obj = <F extends Record<string, V<unknown>>>(f: F): V<ObjT<F>> & { k: "o"; f: F } => ({ k: "o", f });
export const opt = <T>(of: V<T>): V<T | undefined> & { k: "?" } => ({ k: "?", of });
export const union = <F extends Record<string, V<unknown>>>(tag: string, of: F): V<Infer<F[keyof F]>> => ({
  k: "u",
  tag,
  of,
});

export interface Issue {
  path: string;
  message: string;
}

export const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const join = (p: string, key: string | number) => (typeof key === "number" ? `${p}[${key}]` : p ? `${p}.${key}` : key);

/** The keys from the issue back up to the value checked (innermost first): a path is built once. */
export const trail: Array<string | number> = [];

/** The issue at the keys in `trail` (below `p`); empties the trail. */
export function issueAt(message: string, p = ""): Issue {
  for (let i = trail.length; i--;) p = join(p, trail[i]!);
  trail.length = 0;
  return { path: p, message };
}

/** First issue found (depth-first, in spec order), or null when the value matches. Never throws. */
export function validate(s: Spec, x: unknown, p = ""): Issue | null {
  trail.length = 0;
  const message = check(s, x);
  return message === null ? null : issueAt(message, p);
}

/** The issue's message, or null; on an issue, the keys down to it are in `trail`. */
export function check(s: Spec, x: unknown): string | null {
  switch (s.k) {
    case "?":
      return x === undefined ? null : check(s.of, x);
    case "s":
    case "i":
    case "e":
      return leafIssue(s, x);
    case "a": {
      if (!Array.isArray(x)) return "expected array";
      const e = lengthIssue(s, x);
      if (e) return e;
      for (let i = 0; i < x.length; i++) {
        const e = check(s.of, x[i]);
        if (e) return (trail.push(i), e);
      }
      return null;
    }
    case "r": {
      if (!isObj(x)) return "expected object";
      for (const key in x) {
        const e = check(s.key, key) || check(s.of, x[key]);
        if (e) return (trail.push(key), e);
      }
      return null;
    }
    case "o": {
      if (!isObj(x)) return "expected object";
      for (const key in s.f) {
        const e = check(s.f[key]!, x[key]);
        if (e) return (trail.push(key), e);
      }
      return null;
    }
    case "u": {
      if (!isObj(x)) return "expected object";
      const t = x[s.tag];
      return typeof t === "string" && Object.hasOwn(s.of, t) ? check(s.of[t]!, x) : unionIssue(s);
    }
  }
}

/** A string, integer or enum spec's issue with `x`, or null. */
export function leafIssue(s: Spec, x: unknown): string | null {
  switch (s.k) {
    case "s":
      if (typeof x !== "string") return "expected string";
      if (x.length < s.min || x.length > s.max) return `length must be ${s.min}..${s.max}`;
      return s.re && !s.re.test(x) ? `must match ${s.re.source}` : null;
    case "i":
      if (typeof x !== "number" || !Number.isInteger(x)) return "expected integer";
      return x < s.min || x > s.max ? `must be ${s.min}..${s.max}` : null;
    case "e":
      return typeof x === "string" && s.v.includes(x) ? null : `expected one of ${s.v.join("|")}`;
  }
  return null;
}

/** An array spec's length issue, or null. */
export function lengthIssue(s: Spec, x: unknown[]): string | null {
  const { min, max } = s as { min: number; max: number };
  return x.length < min || x.length > max ? `length must be ${min}..${max}` : null;
}

/** A union's tag names no member: the issue is at the tag. */
export function unionIssue(s: { tag: string; of: Record<string, Spec> }): string {
  trail.push(s.tag);
  return `expected one of ${Object.keys(s.of).join("|")}`;
}
