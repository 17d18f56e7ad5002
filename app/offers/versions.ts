/**
 * Experiment versions: what buyers of an experiment see, as a fingerprint. When it changes while
 * the experiment runs, results so far stay with the version they were collected under and the
 * next version starts (docs/measurement.md, "Experiment versions").
 */
import { createHash } from "node:crypto";
import type { Offer } from "@moments/engine";

type Spec = NonNullable<Offer["experiment"]>;

/** The parts of an offer + experiment that change what a buyer in some arm is shown. */
function visibleParts(offer: Offer, spec: Pick<Spec, "holdoutBps" | "variants">) {
  return {
    holdout: spec.holdoutBps,
    weights: spec.variants.map((v) => [v.id, v.weight]),
    variants: spec.variants.map((v) => ({ id: v.id, copy: v.copy ?? null, discount: v.discount ?? null, design: v.design ?? null, moments: v.moments ?? null })),
    // What variants inherit from the offer itself (its admin-only name is not here).
    offer: {
      type: offer.type,
      moments: offer.moments,
      items: offer.items,
      discount: offer.discount ?? null,
      pricing: offer.pricing ?? null,
      copy: offer.copy,
      design: offer.design ?? null,
    },
  };
}

/** JSON with object keys sorted, so that the same content always hashes the same. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export function experimentFingerprint(offer: Offer, spec: Pick<Spec, "holdoutBps" | "variants">): string {
  return createHash("sha256").update(stable(visibleParts(offer, spec))).digest("hex").slice(0, 32);
}

/** What changed between two configurations, in the merchant's words (for the version's reason). */
export function describeChange(before: { offer: Offer; spec: Pick<Spec, "holdoutBps" | "variants"> } | null, after: { offer: Offer; spec: Pick<Spec, "holdoutBps" | "variants"> }): string {
  if (!before) return "the experiment's configuration changed";
  const a = visibleParts(before.offer, before.spec);
  const b = visibleParts(after.offer, after.spec);
  const changed: string[] = [];
  if (a.holdout !== b.holdout) changed.push(`hold-out share ${a.holdout / 100}% → ${b.holdout / 100}%`);
  if (stable(a.weights) !== stable(b.weights)) changed.push("variant weights");
  if (stable(a.variants) !== stable(b.variants)) changed.push("a variant's copy, price or design");
  const o = (k: keyof typeof a.offer, label: string) => stable(a.offer[k]) !== stable(b.offer[k]) && changed.push(label);
  o("items", "the offer's items");
  o("discount", "the offer's price");
  o("pricing", "the offer's price");
  o("copy", "the offer's copy");
  o("design", "the offer's design");
  o("moments", "the offer's moments");
  o("type", "the offer's type");
  return changed.length ? [...new Set(changed)].join(", ") : "the experiment's configuration changed";
}

/**
 * Configured share of buyers per arm: hold-out = holdoutBps / 10000, each variant its weight's
 * part of the rest. Keyed by arm id, "holdout" for the hold-out (what SRM is checked against).
 */
export function configuredShares(holdoutBps: number, variants: ReadonlyArray<{ id: string; weight: number }>): Record<string, number> {
  const holdout = holdoutBps / 10000;
  const total = variants.reduce((a, v) => a + Math.max(0, v.weight), 0);
  const shares: Record<string, number> = { holdout };
  for (const v of variants) shares[v.id] = total > 0 ? ((1 - holdout) * Math.max(0, v.weight)) / total : 0;
  return shares;
}

export function parseShares(json: string | null | undefined): Record<string, number> | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== "object") return null;
    const out: Record<string, number> = {};
    for (const [k, s] of Object.entries(v as Record<string, unknown>)) if (typeof s === "number" && s >= 0) out[k] = s;
    return out;
  } catch {
    return null;
  }
}
