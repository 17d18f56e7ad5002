import type { Complements, Offer, Settings } from "./model";
import { isObj } from "./v";
import { GID, GID_TYPE, MONEY_KEYS, toLong, toShort, WIRE_VERSION, type Obj } from "./wire";

export function encodePayload(
  offers: readonly Offer[],
  settings: Settings,
  publishedAt: number,
  /** The complement table dynamic offers choose from (decision 034); left out when empty. */
  complements?: Complements,
): string {
  const live = offers.filter((o) => o.status === "active" && !(o.endsAt !== undefined && o.endsAt <= publishedAt));
  const c: string[] = [];
  const shrink = (x: unknown, key: string): unknown => {
    if (typeof x === "string") {
      // A GID of the key's type travels as its digits; another id that starts with a digit (or
      // with the mark itself) is marked with "=", so it is not read as a GID.
      if (!GID_TYPE[key]) return x;
      const m = GID.exec(x);
      return m && m[1] === GID_TYPE[key] ? m[2] : /^[\d=]/.test(x) ? "=" + x : x;
    }
    if (Array.isArray(x)) return x.map((e) => shrink(e, key));
    if (!isObj(x)) return x;
    if (MONEY_KEYS.has(key)) {
      for (const cur in x) if (!c.includes(cur)) c.push(cur);
      return c.map((cur) => (x[cur] === undefined ? null : x[cur]));
    }
    const out: Obj = {};
    for (const k in x) {
      // Defaults left out of the wire: status "active" (the only status published), quantity 1.
      if (x[k] === undefined || (k === "status" && key === "") || (k === "quantity" && key === "items" && x[k] === 1))
        continue;
      out[toShort[k] || k] = shrink(x[k], k);
    }
    return out;
  };
  const o = live.map((x) => shrink(x, "")) as Obj[];
  // The complement table: { productId, items: [{ productId, variantId, prices, image? }] } shrunk
  // like offers (short keys, GIDs as digits, prices aligned with c); its repeats share `s`.
  const table = complements && complements.length ? (shrink(complements, "complements") as Obj[]) : undefined;
  // Money arrays written before a currency was first seen are shorter: pad them.
  const pad = (x: unknown, key: string): void => {
    if (Array.isArray(x)) {
      if (MONEY_KEYS.has(key)) while (x.length < c.length) x.push(null);
      else for (const e of x) pad(e, key);
    } else if (isObj(x)) for (const k in x) pad(x[k], toLong[k] || k);
  };
  o.forEach((x) => pad(x, ""));
  if (table) pad(table, "complements");
  // Positional form: offer = [id, type, moments, priority, items, copy, {other fields}?],
  // item = [productId, variantId, ...prices aligned with c, quantity?, sellingPlanId?].
  const rows = o.map((x) => {
    const { a, c: type, d, e, h, t, ...rest } = x;
    const items = (h as Obj[]).map(({ i, j, k, l, m }) => {
      const row = [i, j, ...(l as unknown[])];
      if (k !== undefined || m !== undefined) row.push(k === undefined ? 1 : k);
      if (m !== undefined) row.push(m);
      return row;
    });
    const row = [a, type, d, e, items, t];
    if (Object.keys(rest).length) row.push(rest);
    return row;
  });
  // Intern repeated values below the offer level (strings, objects, arrays). Counted twice: the
  // second pass counts only occurrences still emitted once the first pass's picks are references.
  const key = (x: unknown) =>
    typeof x === "number" || typeof x === "boolean" || x === null ? undefined : JSON.stringify(x);
  const pickShared = (chosen: Set<string> | undefined) => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    const count = (x: unknown) => {
      const j = key(x);
      if (j === undefined) return;
      counts.set(j, (counts.get(j) || 0) + 1);
      if (chosen && chosen.has(j)) {
        if (seen.has(j)) return;
        seen.add(j);
      }
      if (Array.isArray(x)) x.forEach(count);
      else if (isObj(x)) Object.values(x).forEach(count);
    };
    rows.forEach((x) => x.forEach(count));
    if (table) table.forEach(count);
    return new Map([...counts].filter(([j, n]) => n > 1 && (n - 1) * j.length > n * 5 + 1));
  };
  const chosen = pickShared(new Set(pickShared(undefined).keys()));
  // Most used first, so they get the shortest references.
  const index = new Map([...chosen].sort((a, b) => b[1] - a[1]).map(([j], i) => [j, i] as const));
  const s: unknown[] = new Array(index.size).fill(null);
  const filled = new Set<number>();
  const intern = (x: unknown, top = false): unknown => {
    const j = key(x);
    if (j === undefined) return x;
    const i = top ? undefined : index.get(j);
    if (i !== undefined) {
      if (!filled.has(i)) {
        filled.add(i);
        s[i] = intern(x, true);
      }
      return "^" + i.toString(36);
    }
    if (typeof x === "string") return x[0] === "^" ? "^" + x : x;
    if (Array.isArray(x)) return x.map((e) => intern(e));
    const out: Obj = {};
    for (const k in x as Obj) out[k] = intern((x as Obj)[k]);
    return out;
  };
  return JSON.stringify({
    v: WIRE_VERSION,
    publishedAt,
    settings: shrink(settings, "settings"),
    c,
    o: rows.map((x) => intern(x, true)),
    ...(table ? { p: table.map((x) => intern(x, true)) } : {}),
    s,
  });
}
