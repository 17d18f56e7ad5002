/**
 * The complements dynamic offers choose from (decision 034), mined with the suggestions: per
 * trigger product, its best co-purchased complements by the same expected incremental revenue
 * score, stored as `Suggestion` rows of moment `DYNAMIC_MOMENT` (not a buyer moment: the
 * suggestions page never lists them) with `rank` the place in the trigger's list.
 */
import { COMPLEMENTS_PER_TRIGGER } from "@moments/engine";
import { rankCandidates, type Candidate, type CatalogProduct, type CoPurchaseStats } from "@moments/autopilot";

export const DYNAMIC_MOMENT = "dynamic";
/**
 * Ranked as for the checkout (the moment dynamic offers are made for first); a moment's take
 * factor scales every candidate of a trigger alike, so the order barely depends on it.
 */
const RANKED_AT = "checkout";

export interface MinedComplement extends Candidate {
  /** 0 = the trigger's best complement. */
  rank: number;
}

/**
 * Every trigger's best complements from the orders (co-purchases only: catalog similarity is a
 * guess, not the shop's evidence), skipping what cannot be offered as the ranker does (gift cards,
 * sold out, no price).
 */
export function mineComplements(stats: CoPurchaseStats | null, catalog: readonly CatalogProduct[]): MinedComplement[] {
  if (!stats) return [];
  const out: MinedComplement[] = [];
  const ranked = rankCandidates({ moment: RANKED_AT, catalog, stats, limit: COMPLEMENTS_PER_TRIGGER });
  for (const candidates of ranked.values())
    candidates.filter((c) => c.source === "co_purchase").forEach((c, rank) => out.push({ ...c, rank }));
  return out;
}
