/**
 * Ranking offer candidates per trigger product and moment by expected incremental revenue, from
 * the mined co-purchases, with two fallbacks for shops with little history. Pure: plain inputs in,
 * plain candidates out.
 *
 * Expected incremental revenue of offering B to buyers of A at moment m, per buyer:
 *
 *   incrementalTakeRate(A -> B) x price(B) x MOMENT_TAKE_FACTORS[m]
 *
 * Take rate, shrunk. The raw confidence P(B | A) = n_AB / n_A of a trigger seen in 4 orders is
 * noise (1 co-purchase reads as 25%). It is shrunk toward B's base rate p_B = n_B / N (the share of
 * all orders with B: what a buyer buys when A tells nothing) with a Beta prior of strength
 * k = PRIOR_STRENGTH pseudo-orders:
 *
 *   expectedTakeRate = (n_AB + k p_B) / (n_A + k)
 *
 * so a trigger with n_A orders keeps n_A / (n_A + k) of its own evidence: 4 orders keep 1/6, 100
 * keep 5/6, 2,000 keep 99%.
 *
 * Incremental. Buyers who would buy B anyway are not revenue an offer adds: the incremental take
 * rate is what A adds to B's base rate, expectedTakeRate - p_B = (n_AB - n_A p_B) / (n_A + k): the
 * co-purchases beyond those expected by chance, over the trigger's orders plus the prior. It is 0
 * or less exactly when lift <= 1 (the pair is then dropped), which also keeps bestsellers, bought
 * with everything at their base rate, from topping every list.
 *
 * Fallbacks, used only to fill the slots co-purchases leave empty (co-purchase evidence first):
 *  - `shopify_recommendations`: Shopify's own `productRecommendations` for the trigger, as given,
 *    at a prior take rate decaying with Shopify's position;
 *  - `similar_catalog`: products sharing collections, tags or the vendor with the trigger, scored
 *    (SIMILARITY_WEIGHTS), at a prior take rate growing with the score.
 * Their take rates are priors, not this shop's measurements; the evidence says which source a
 * candidate came from, and the hold-out experiments measure it once it runs.
 */
import type { MomentId } from "@moments/engine";
import type { CoPurchaseStats } from "./mining";

/** The moments Autopilot suggests for (a subset of the engine's moment ids). */
export type AutopilotMoment = Extract<MomentId, "cart" | "checkout" | "post_purchase" | "thank_you" | "email">;
export const AUTOPILOT_MOMENTS: readonly AutopilotMoment[] = [
  "cart",
  "checkout",
  "post_purchase",
  "thank_you",
  "email",
];

/**
 * Share of the co-purchase take rate an offer converts at each moment (starting values, not
 * measurements: the moments' hold-out results replace them). In-cart is the reference, 1: the buyer
 * is still shopping, as when the co-purchases were made. Checkout before payment 0.6: the buyer is
 * committed to paying and adds less. Post-purchase 0.5: one click on a paid order, but a second
 * decision. Thank-you 0.3: the page is read less and the add goes through an order edit or a new
 * checkout. Follow-up email 0.1: days later, bounded by the share of buyers who open it.
 */
export const MOMENT_TAKE_FACTORS: Readonly<Record<AutopilotMoment, number>> = {
  cart: 1,
  checkout: 0.6,
  post_purchase: 0.5,
  thank_you: 0.3,
  email: 0.1,
};

/** Pseudo-orders of the Beta prior the take rate is shrunk with (see the module comment). */
export const PRIOR_STRENGTH = 20;

/**
 * Prior take rate of Shopify's first recommendation, and the factor per later position (0.02, 0.016,
 * 0.0128, ...): the order of magnitude of a cross-sell's take rate (1-3%), below what a real
 * co-purchase pair shows, since Shopify's recommendations are not this shop's buyers' evidence.
 */
export const RECOMMENDATION_TAKE_RATE = 0.02;
export const RECOMMENDATION_POSITION_DECAY = 0.8;

/**
 * Catalog similarity: points per shared collection (merchant-curated groups, the strongest signal),
 * per shared tag (free-form, noisier) and for the same vendor (weak: a single-brand shop shares it
 * everywhere). Counted up to `maxCollections` collections and `maxTags` tags. A collection, tag or
 * vendor shared by more than half of a catalog of 4+ products ("All products", "new") distinguishes
 * nothing and scores nothing. A candidate needs `minScore` points: a vendor alone is not enough.
 */
export const SIMILARITY_WEIGHTS = {
  collection: 3,
  tag: 1,
  vendor: 1,
  maxCollections: 2,
  maxTags: 3,
  minScore: 2,
} as const;
/** Prior take rate of a similar product at the full score (3 x 2 + 1 x 3 + 1 = 10), linear below. */
export const SIMILAR_TAKE_RATE = 0.01;
const FULL_SIMILARITY =
  SIMILARITY_WEIGHTS.collection * SIMILARITY_WEIGHTS.maxCollections +
  SIMILARITY_WEIGHTS.tag * SIMILARITY_WEIGHTS.maxTags +
  SIMILARITY_WEIGHTS.vendor;

export const CANDIDATE_SOURCES = ["co_purchase", "shopify_recommendations", "similar_catalog"] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];

/** A catalog product as ranking needs it. */
export interface CatalogProduct {
  id: string;
  /** Price buyers pay, integer minor units of the shop's currency (e.g. the first variant's). */
  price: number;
  giftCard?: boolean;
  /** Some variant can be sold now (in stock, or not tracked, or oversold allowed). */
  inStock: boolean;
  vendor?: string;
  collections?: readonly string[];
  tags?: readonly string[];
}

export interface CandidateEvidence {
  /** Orders with both the trigger and the candidate (0 for the fallbacks). */
  coPurchases: number;
  /** Lift of trigger -> candidate, null without co-purchase evidence. */
  lift: number | null;
  /** Shrunk P(candidate | trigger) for co-purchases; the source's prior for the fallbacks. */
  expectedTakeRate: number;
  /** What the offer adds over the candidate's base rate (= expectedTakeRate for the fallbacks). */
  incrementalTakeRate: number;
  /** incrementalTakeRate x moment factor x price x 1,000, rounded: integer minor units. */
  expectedRevenuePer1000: number;
  /** shopify_recommendations: 0-based position in Shopify's list. */
  recommendationPosition?: number;
  /** similar_catalog: the similarity score (SIMILARITY_WEIGHTS). */
  similarity?: number;
}

export interface Candidate {
  trigger: string;
  productId: string;
  moment: AutopilotMoment;
  source: CandidateSource;
  evidence: CandidateEvidence;
}

export interface RankInput {
  moment: AutopilotMoment;
  catalog: readonly CatalogProduct[];
  /** Mined co-purchases; absent or empty for a shop without history. */
  stats?: CoPurchaseStats | null;
  /** Shopify's `productRecommendations` per trigger product id, in Shopify's order. */
  recommendations?: Readonly<Record<string, readonly string[]>>;
  /** Trigger product ids (default: every catalog product but gift cards). */
  triggers?: readonly string[];
  /** Candidates per trigger (default 3). */
  limit?: number;
  /** Pseudo-orders of the take rate's prior (default PRIOR_STRENGTH). */
  priorStrength?: number;
}

/**
 * The shrunk take rate and its increment over the base rate (see the module comment): `together`
 * orders with both, `triggerOrders` with the trigger, `complementOrders` with the complement, of
 * `orders`.
 */
export function takeRates(
  together: number,
  triggerOrders: number,
  complementOrders: number,
  orders: number,
  k: number = PRIOR_STRENGTH,
): { expected: number; incremental: number } {
  const base = orders > 0 ? complementOrders / orders : 0;
  const expected = (together + k * base) / (triggerOrders + k);
  return { expected, incremental: expected - base };
}

/** Whether a product can be offered at all: sellable, priced, not a gift card. */
export const offerable = (p: CatalogProduct | undefined): p is CatalogProduct =>
  p !== undefined && p.giftCard !== true && p.inStock && Number.isSafeInteger(p.price) && p.price > 0;

interface Scored {
  candidate: Candidate;
  /** Unrounded expected revenue per buyer, the sort key. */
  value: number;
}

function scored(
  trigger: string,
  product: CatalogProduct,
  moment: AutopilotMoment,
  source: CandidateSource,
  evidence: Omit<CandidateEvidence, "expectedRevenuePer1000">,
): Scored {
  const value = evidence.incrementalTakeRate * MOMENT_TAKE_FACTORS[moment] * product.price;
  return {
    candidate: {
      trigger,
      productId: product.id,
      moment,
      source,
      evidence: { ...evidence, expectedRevenuePer1000: Math.round(value * 1000) },
    },
    value,
  };
}

const byValue = (a: Scored, b: Scored): number =>
  b.value - a.value ||
  b.candidate.evidence.coPurchases - a.candidate.evidence.coPurchases ||
  (a.candidate.productId < b.candidate.productId ? -1 : a.candidate.productId > b.candidate.productId ? 1 : 0);

/** Inverted index of the catalog's collections, tags and vendors, without the catalog-wide ones. */
class SimilarityIndex {
  private readonly members = new Map<string, string[]>();

  constructor(catalog: readonly CatalogProduct[]) {
    for (const p of catalog) {
      for (const key of SimilarityIndex.keys(p)) {
        const ids = this.members.get(key);
        if (ids) ids.push(p.id);
        else this.members.set(key, [p.id]);
      }
    }
    if (catalog.length >= 4) {
      for (const [key, ids] of this.members) if (ids.length * 2 > catalog.length) this.members.delete(key);
    }
  }

  private static keys(p: CatalogProduct): string[] {
    const keys = new Set<string>();
    for (const c of p.collections ?? []) keys.add(`c:${c}`);
    for (const t of p.tags ?? []) if (t.trim()) keys.add(`t:${t.trim().toLowerCase()}`);
    if (p.vendor?.trim()) keys.add(`v:${p.vendor.trim().toLowerCase()}`);
    return [...keys];
  }

  /** Similarity scores of the products sharing anything with `p` (itself excluded). */
  scores(p: CatalogProduct): Map<string, number> {
    const shared = new Map<string, { c: number; t: number; v: number }>();
    for (const key of SimilarityIndex.keys(p)) {
      for (const id of this.members.get(key) ?? []) {
        if (id === p.id) continue;
        let s = shared.get(id);
        if (!s) shared.set(id, (s = { c: 0, t: 0, v: 0 }));
        if (key.startsWith("c:")) s.c++;
        else if (key.startsWith("t:")) s.t++;
        else s.v = 1;
      }
    }
    const out = new Map<string, number>();
    const w = SIMILARITY_WEIGHTS;
    for (const [id, s] of shared) {
      const score = w.collection * Math.min(s.c, w.maxCollections) + w.tag * Math.min(s.t, w.maxTags) + w.vendor * s.v;
      if (score >= w.minScore) out.set(id, score);
    }
    return out;
  }
}

/**
 * Candidates per trigger product for one moment, best first: co-purchases by expected incremental
 * revenue, then (only when fewer than `limit`) Shopify's recommendations, then similar catalog
 * products, each by its expected revenue. Never the trigger itself, a gift card, a product out of
 * stock, without a price, or outside the catalog. Triggers without any candidate are left out.
 */
export function rankCandidates(input: RankInput): Map<string, Candidate[]> {
  const { moment, catalog, stats } = input;
  const limit = input.limit ?? 3;
  const k = input.priorStrength ?? PRIOR_STRENGTH;
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const triggers = input.triggers ?? catalog.filter((p) => p.giftCard !== true).map((p) => p.id);
  let similarity: SimilarityIndex | null = null;
  const out = new Map<string, Candidate[]>();

  for (const trigger of triggers) {
    const taken = new Set<string>([trigger]);
    const picked: Candidate[] = [];
    const fill = (list: Scored[]) => {
      for (const s of list.sort(byValue)) {
        if (picked.length >= limit) return;
        if (taken.has(s.candidate.productId)) continue;
        taken.add(s.candidate.productId);
        picked.push(s.candidate);
      }
    };

    // 1. Co-purchases.
    if (stats && stats.orders > 0) {
      const coPurchases: Scored[] = [];
      for (const pair of stats.complements(trigger)) {
        const product = byId.get(pair.complement);
        if (!offerable(product) || pair.complement === trigger) continue;
        const rates = takeRates(
          pair.count,
          stats.ordersWith(trigger),
          stats.ordersWith(pair.complement),
          stats.orders,
          k,
        );
        if (rates.incremental <= 0) continue;
        coPurchases.push(
          scored(trigger, product, moment, "co_purchase", {
            coPurchases: pair.count,
            lift: pair.lift,
            expectedTakeRate: rates.expected,
            incrementalTakeRate: rates.incremental,
          }),
        );
      }
      fill(coPurchases);
    }

    // 2. Shopify's recommendations.
    const recommended = input.recommendations?.[trigger];
    if (picked.length < limit && recommended) {
      const list: Scored[] = [];
      recommended.forEach((id, position) => {
        const product = byId.get(id);
        if (!offerable(product)) return;
        const rate = RECOMMENDATION_TAKE_RATE * RECOMMENDATION_POSITION_DECAY ** position;
        list.push(
          scored(trigger, product, moment, "shopify_recommendations", {
            coPurchases: 0,
            lift: null,
            expectedTakeRate: rate,
            incrementalTakeRate: rate,
            recommendationPosition: position,
          }),
        );
      });
      fill(list);
    }

    // 3. Similar catalog products.
    const self = byId.get(trigger);
    if (picked.length < limit && self) {
      similarity ??= new SimilarityIndex(catalog);
      const list: Scored[] = [];
      for (const [id, score] of similarity.scores(self)) {
        const product = byId.get(id);
        if (!offerable(product)) continue;
        const rate = (SIMILAR_TAKE_RATE * score) / FULL_SIMILARITY;
        list.push(
          scored(trigger, product, moment, "similar_catalog", {
            coPurchases: 0,
            lift: null,
            expectedTakeRate: rate,
            incrementalTakeRate: rate,
            similarity: score,
          }),
        );
      }
      fill(list);
    }

    if (picked.length > 0) out.set(trigger, picked);
  }
  return out;
}
