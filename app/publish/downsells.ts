import type { Offer } from "@moments/engine";

/**
 * Linked downsells at publish (decision 027). The engine treats an offer that a published offer
 * names as its `downsell` as a downsell only (shown after that offer's decline, never on its own).
 * An offer named only by offers that are not published (paused, draft, ended) would otherwise show
 * to everyone, so it is left out of the payload until one of the offers naming it is live again.
 * Chains follow: when B is left out, the offer B names is judged without B.
 */
export function withoutStrandedDownsells(
  live: readonly Offer[],
  /** Every non-archived offer of the shop, published or not, with the offer it names. */
  links: ReadonlyArray<{ id: string; downsell: string | null }>,
  publishedAt: number,
): Offer[] {
  const namedBy = new Map<string, string[]>();
  for (const { id, downsell } of links)
    if (downsell && downsell !== id) namedBy.set(downsell, [...(namedBy.get(downsell) ?? []), id]);
  // What encodePayload publishes: active and not ended at publish time.
  let published = live.filter((o) => o.status === "active" && !(o.endsAt !== undefined && o.endsAt <= publishedAt));
  for (;;) {
    const ids = new Set(published.map((o) => o.id));
    const kept = published.filter((o) => {
      const parents = namedBy.get(o.id);
      return !parents || parents.some((p) => p !== o.id && ids.has(p));
    });
    if (kept.length === published.length) return kept;
    published = kept;
  }
}

/** The `downsell` of a stored definition (JSON), or null (none, or a definition that does not parse). */
export function storedDownsell(definition: string): string | null {
  try {
    const json = JSON.parse(definition) as { downsell?: unknown } | null;
    return json && typeof json.downsell === "string" ? json.downsell : null;
  } catch {
    return null;
  }
}
