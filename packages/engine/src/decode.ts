import { designSpec, itemSpec, offerSpec, payloadSpec, type Payload } from "./model";
import { isObj, issueAt, leafIssue, lengthIssue, trail, unionIssue, type Issue, type Spec } from "./v";
import { GID_TYPE, MONEY_KEYS, toLong, toShort, WIRE_VERSION, type Obj } from "./wire";

export type DecodeResult = { ok: true; payload: Payload } | { ok: false; error: Issue };

/**
 * One pass from wire to model: each value is expanded and checked against the spec as it is
 * built, so the model is allocated once and never walked again. A shared value ("^n") is decoded
 * once per (spec, how) and the result shared: the model is read-only.
 *
 * `how` says what a wire value under that key needs besides checking: "" nothing, MONEY
 * (per-currency amounts travel as arrays aligned with the currency table), or the GID prefix
 * of an id that travels as its number. Worked out once per field, not per value.
 */
const MONEY = "$";
const howOf = (key: string): string =>
  MONEY_KEYS.has(key) ? MONEY : GID_TYPE[key] ? `gid://shopify/${GID_TYPE[key]}/` : "";
/** An object spec's fields, optional ones unwrapped (`opt`), leaves marked for the fast path. */
type Fields = {
  long: string[];
  spec: Spec[];
  how: string[];
  opt: boolean[];
  leaf: boolean[];
  /** Wire key -> field index. */
  at: Map<string, number>;
  /** The indexes of the required fields. */
  required: number[];
};
const fieldCache = new Map<Spec, Fields>();
function fieldsOf(sp: Spec & { k: "o" }): Fields {
  let f = fieldCache.get(sp);
  if (!f) {
    const long = Object.keys(sp.f);
    const all = long.map((k) => sp.f[k]!);
    const spec = all.map((x) => (x.k === "?" ? x.of : x));
    f = {
      long,
      spec,
      how: long.map(howOf),
      opt: all.map((x) => x.k === "?"),
      leaf: spec.map((x, i) => (x.k === "s" || x.k === "i" || x.k === "e") && howOf(long[i]!).length < 2),
      at: new Map(long.map((k, i) => [toShort[k] || k, i])),
      required: long.map((_, i) => i).filter((i) => all[i]!.k !== "?"),
    };
    fieldCache.set(sp, f);
  }
  return f;
}

let currencies: unknown[] = [];
/** The record key spec every currency in the table was found to satisfy. */
let currencyKeySpec: Spec | undefined;
let shared: unknown[] = [];
let memoSpec: Array<Spec | undefined> = [];
let memoHow: string[] = [];
let memoVal: unknown[] = [];
let depth = 0;
let issue: string | null = null;
let wireVersion = WIRE_VERSION;

/** A v1 payload's design was free text before layouts existed: one that is not a layout reads as absent (the default). */
const dropped = (sp: Spec) => wireVersion === 1 && sp === designSpec;

const failed = (message: string): undefined => void (issue = message);

/** The index in a reference "^<base36>". */
function refIndex(x: string): number {
  let i = 0;
  for (let j = 1; j < x.length; j++) {
    const c = x.charCodeAt(j);
    i = i * 36 + (c < 58 ? c - 48 : c - 87);
  }
  return i;
}

const deref = (x: unknown): unknown => {
  for (let d = 0; typeof x === "string" && x[0] === "^" && x[1] !== "^" && d < 8; d++) x = shared[refIndex(x)];
  return x;
};

/** The model value for wire value `x`, or undefined with `issue` set. */
function expand(sp: Spec, x: unknown, how: string): unknown {
  if (typeof x === "string" && x.charCodeAt(0) === 94 /* ^ */) {
    if (x.charCodeAt(1) === 94) x = x.slice(1);
    else {
      const i = refIndex(x);
      if (memoSpec[i] === sp && memoHow[i] === how) return memoVal[i];
      // A reference cycle decodes as a missing value, which the spec then judges.
      if (depth > 8) x = undefined;
      else {
        depth++;
        const r = expand(sp, shared[i], how);
        depth--;
        if (issue === null) {
          memoSpec[i] = sp;
          memoHow[i] = how;
          memoVal[i] = r;
        }
        return r;
      }
    }
  }
  switch (sp.k) {
    case "?":
      return x === undefined ? x : expand(sp.of, x, how);
    case "a": {
      if (!Array.isArray(x)) return failed("expected array");
      const e = lengthIssue(sp, x);
      if (e) return failed(e);
      const out = new Array<unknown>(x.length);
      for (let i = 0; i < x.length; i++) {
        out[i] = expand(sp.of, x[i], how);
        if (issue !== null) return void trail.push(i);
      }
      return out;
    }
    case "r": {
      if (how === MONEY && Array.isArray(x)) return money(sp, x, 0, x.length);
      const out: Obj = {};
      if (!isObj(x)) return failed("expected object");
      for (const wire in x) {
        // Record keys are data, but the encoder shortens one that is also a model key ("id", "of").
        const k = toLong[wire] || wire;
        const e = leafIssue(sp.key, k);
        if (e) return (trail.push(k), failed(e));
        out[k] = expand(sp.of, x[wire], "");
        if (issue !== null) return void trail.push(k);
      }
      return out;
    }
    case "o": {
      if (sp === itemSpec && Array.isArray(x)) return itemRow(x);
      if (!isObj(x)) return failed("expected object");
      const f = fieldsOf(sp);
      const out: Obj = {};
      const required = fill(f, x, out);
      return required >= 0 && (required === f.required.length || complete(f, out)) ? out : undefined;
    }
    case "u": {
      if (!isObj(x)) return failed("expected object");
      const t = deref(x[toShort[sp.tag] || sp.tag]);
      return typeof t === "string" && Object.hasOwn(sp.of, t) ? expand(sp.of[t]!, x, how) : failed(unionIssue(sp));
    }
    default: {
      // An id travels as its digits (payloads published before 2026-12 as a JSON number).
      if (how.length > 1) {
        const first = typeof x === "string" ? x.charCodeAt(0) : 0;
        if (typeof x === "number" || (first > 47 && first < 58)) x = how + x;
        else if (first === 61 /* = */ && wireVersion > 1) x = (x as string).slice(1);
      }
      const e = leafIssue(sp, x);
      return !e ? x : dropped(sp) ? undefined : failed(e);
    }
  }
}

/**
 * Per-currency amounts: `x[from..to)` aligned with the currency table (null = no amount). The
 * table is checked against the record's key spec once per spec, not once per amount.
 */
function money(sp: Spec & { k: "r" }, x: unknown[], from: number, to: number): Obj | undefined {
  if (currencyKeySpec !== sp.key && currencies.every((k) => !leafIssue(sp.key, String(k)))) currencyKeySpec = sp.key;
  const out: Obj = {};
  for (let i = from; i < to && i < x.length; i++) {
    const v: unknown = x[i];
    if (v === null) continue;
    const k = String(currencies[i - from]);
    const e =
      (currencyKeySpec === sp.key ? null : leafIssue(sp.key, k)) ||
      (typeof v === "string" ? null : leafIssue(sp.of, v));
    if (e) return (trail.push(k), failed(e));
    out[k] = typeof v === "string" ? expand(sp.of, v, "") : v;
    if (issue !== null) return void trail.push(k);
  }
  return out;
}

/** Expands wire object `x`'s fields into `out`: how many were required ones, or -1 on an issue. */
function fill(f: Fields, x: Obj, out: Obj): number {
  let required = 0;
  for (const key in x) {
    const i = f.at.get(key);
    if (i === undefined) continue;
    const v = valueOf(f, i, x[key]);
    if (issue !== null) return -1;
    if (v !== undefined) out[f.long[i]!] = v;
    if (!f.opt[i]) required++;
  }
  return required;
}

/** Judges the first required field `out` lacks as missing, with the spec's own message. */
function complete(f: Fields, out: Obj): boolean {
  for (const i of f.required) if (!(f.long[i]! in out)) valueOf(f, i, undefined);
  return issue === null;
}

/** Field `i`'s model value for wire value `v`: undefined when it is left out, or with `issue` set. */
function valueOf(f: Fields, i: number, v: unknown): unknown {
  // After an issue nothing more is expanded, so the trail stays the first issue's.
  if (issue !== null || (v === undefined && f.opt[i])) return;
  // A leaf that is neither a reference nor an id is only checked.
  if (f.leaf[i] && (typeof v !== "string" || v.charCodeAt(0) !== 94)) {
    const e = leafIssue(f.spec[i]!, v);
    if (!e) return v;
    if (!dropped(f.spec[i]!)) {
      trail.push(f.long[i]!);
      failed(e);
    }
    return undefined;
  }
  v = expand(f.spec[i]!, v, f.how[i]!);
  if (issue !== null) trail.push(f.long[i]!);
  return v;
}

/**
 * An item row: [productId, variantId, ...prices aligned with the currencies, quantity?,
 * sellingPlanId?] (quantity 1 when left out), built as one literal in itemSpec's field order: the
 * rows are most of a payload's objects, and a literal is allocated with its final shape.
 */
function itemRow(x: unknown[]): Obj | undefined {
  const f = fieldsOf(itemSpec);
  const n = currencies.length;
  const q = x[2 + n];
  const productId = valueOf(f, 0, x[0]);
  const variantId = valueOf(f, 1, x[1]);
  const quantity = valueOf(f, 2, q == null ? 1 : q);
  const prices = issue === null ? money(f.spec[3] as Spec & { k: "r" }, x, 2, 2 + n) : 0;
  if (prices === undefined) trail.push("prices");
  const sellingPlanId = valueOf(f, 4, x[3 + n]);
  if (issue !== null) return;
  const out: Obj = { productId, variantId, quantity, prices };
  if (sellingPlanId !== undefined) out.sellingPlanId = sellingPlanId;
  return out;
}

/** The wire keys of an offer row's positions 0..5 (position 6 holds the other fields). */
const OFFER_ROW = "acdeht";

export function decodePayload(input: unknown): DecodeResult {
  const fail = (path: string, message: string): DecodeResult => ({ ok: false, error: { path, message } });
  let w = input;
  if (typeof input === "string") {
    try {
      w = JSON.parse(input);
    } catch {
      return fail("", "invalid JSON");
    }
  }
  if (!isObj(w)) return fail("", "expected object");
  // v1 (before 2026-12-02): ids as JSON numbers, free-text designs.
  if (w.v !== 1 && w.v !== 2) return fail("v", "unsupported version");
  wireVersion = w.v;
  // Absent (undefined or null) reads as empty; written out, not `??`, which the extensions' build
  // lowers to a longer form.
  const c = w.c == null ? [] : w.c;
  const s = w.s == null ? [] : w.s;
  // Codes only: a currency becomes a record key (and a path), so an object there must not reach String().
  if (!Array.isArray(c) || c.some((x) => typeof x != "string")) return fail("c", "expected currency table");
  if (!Array.isArray(s)) return fail("s", "expected shared values");
  const { publishedAt, settings, offers: offersSpec } = payloadSpec.f;
  const when = leafIssue(publishedAt, w.publishedAt);
  if (when) return fail("publishedAt", when);
  currencies = c;
  currencyKeySpec = undefined;
  shared = s;
  memoSpec = new Array<Spec | undefined>(s.length).fill(undefined);
  memoHow = new Array<string>(s.length).fill("");
  memoVal = new Array<unknown>(s.length).fill(undefined);
  depth = 0;
  issue = null;
  trail.length = 0;
  const model = {
    v: 1,
    publishedAt: w.publishedAt,
    settings: expand(settings, w.settings, ""),
    offers: [] as unknown[],
  };
  if (issue !== null) return done(model, "settings");
  if (!Array.isArray(w.o)) return fail("offers", "expected array");
  const tooMany = lengthIssue(offersSpec, w.o);
  if (tooMany) return fail("offers", tooMany);
  const f = fieldsOf(offerSpec);
  const at = [...OFFER_ROW].map((k) => f.at.get(k)!);
  for (let i = 0; i < w.o.length; i++) {
    const x: unknown = w.o[i];
    if (Array.isArray(x)) {
      // The positions as one literal, then the rest; status is left out of the wire (only "active"
      // is published).
      const p = at.map((k, i) => valueOf(f, k, x[i]));
      const out: Obj = {
        id: p[0],
        status: "active",
        type: p[1],
        moments: p[2],
        priority: p[3],
        items: p[4],
        copy: p[5],
      };
      const rest = issue === null ? deref(x[6]) : undefined;
      // The positions are the required fields (one missing is an issue above): none to look for.
      if (isObj(rest)) fill(f, rest, out);
      model.offers.push(out);
    } else model.offers.push(expand(offerSpec, x, ""));
    if (issue !== null) return done(model, i, "offers");
  }
  // The complement table of dynamic offers (decision 034), absent when none is published.
  if (w.p !== undefined) {
    const table = expand(payloadSpec.f.complements, w.p, "");
    if (issue !== null) return done(model, "complements");
    (model as Obj).complements = table;
  }
  return done(model);
}

/** The decode's result; on an issue, `at` are the keys above the trail, innermost first. */
function done(model: unknown, ...at: Array<string | number>): DecodeResult {
  shared = memoVal = [];
  if (issue === null) return { ok: true, payload: model as Payload };
  trail.push(...at);
  return { ok: false, error: issueAt(issue) };
}
