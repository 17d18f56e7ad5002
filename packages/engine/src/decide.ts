import type { DecideInput, Decision, Excluded, Exposure, MomentDecision, ShownOffer } from "./decision";
import { exclude, prepare, type PreparedOffer } from "./prepare";
import { rulesFor, type Candidate } from "./rules";
import { showOffer } from "./selection";

// The engine's parts, in the decision order of docs/engine.md: prepare (indexes, prepare.ts),
// the rules (steps 1-11, rules.ts), selection (steps 12-15, here), what is shown and its price
// (selection.ts, pricing.ts).
export * from "./decision";
export * from "./prepare";
export * from "./pricing";

/**
 * Decides which offers to show at each requested moment. Pure and deterministic; never throws on
 * a schema-valid payload. Decision order: see docs/engine.md.
 */
export function decide(input: DecideInput): Decision {
  const prepared = prepare(input.payload);
  const settings = prepared.settings;
  const check = rulesFor(input);
  // The journey so far: offers shown (or held out), and per moment the offers that took its places.
  const journeyIds = new Set<string>();
  const placesBefore = new Map<string, Set<string>>();
  for (const { offerId, moment } of (input.journey && input.journey.shown) || []) {
    journeyIds.add(offerId);
    placesBefore.set(moment, (placesBefore.get(moment) || new Set<string>()).add(offerId));
  }
  // Selected in this decision: an offer appears at one moment, a product in one offer.
  const usedOffers = new Set<string>();
  const usedProducts = new Set<string>();
  /** Experiments already exposed in this decision: the first place is the exposure. */
  const exposed = new Set<string>();
  const candidate: Candidate = {};
  const out: MomentDecision[] = [];
  const downsells = unlockedDownsells(prepared.offers, input);
  for (const moment of input.moments) {
    const offers: ShownOffer[] = [];
    const exposures: Exposure[] = [];
    const atMoment = prepared.byMoment.get(moment);
    const excluded: Excluded[] = atMoment ? atMoment.mismatch.slice() : [];
    const limits = settings.momentLimits;
    const limit = limits && limits[moment] !== undefined ? limits[moment]! : 1;
    const places = new Set(placesBefore.get(moment));
    /** Places taken: a downsell in its declined offer's place holds that place, not a second one. */
    const taken = () => {
      let n = places.size;
      for (const entry of downsells)
        if (places.has(entry.o.id) && entry.parents!.some((parent) => places.has(parent.o.id))) n--;
      return n;
    };
    let filled = 0;
    /** Places filled in this decision by rank (a downsell fills its declined offer's place). */
    let ranked = 0;

    /**
     * 12. same_product_conflict, 13. journey_cap_reached, 14. moment_limit_reached / lower_priority.
     * A linked downsell takes the place of the offer declined at this moment (it counts toward the
     * journey cap like any offer shown).
     */
    const guardrail = (entry: PreparedOffer): Excluded | undefined => {
      const id = entry.o.id;
      const declined = candidate.replaces ? candidate.replaces.o.id : undefined;
      let conflict = usedOffers.has(id) ? id : undefined;
      if (conflict === undefined)
        for (const productId of entry.productList) if (usedProducts.has(productId)) conflict = productId;
      if (conflict !== undefined) return exclude(entry, "same_product_conflict", conflict);
      if (!journeyIds.has(id) && journeyIds.size >= settings.journeyCap) return exclude(entry, "journey_cap_reached");
      const placed = places.has(id) || (declined !== undefined && places.has(declined));
      if (!placed && taken() >= limit) return exclude(entry, ranked > 0 ? "lower_priority" : "moment_limit_reached");
      return undefined;
    };

    const scan = atMoment ? atMoment.scan : prepared.offers;
    // Downsells unlocked by a decline are checked first: each is the answer to that "no" (decision 027).
    for (const offered of downsells.length ? downsellsFirst(scan, downsells) : scan) {
      let reason = check(offered, candidate, moment);
      // A dynamic offer goes on with its chosen complement as its item (decision 034).
      const entry = candidate.as || offered;
      reason = reason || guardrail(entry);
      if (reason) {
        excluded.push(reason);
        continue;
      }
      // Selected: takes a place (even when held out, so the hold-out is a fair comparison).
      const offer = entry.o;
      const { arm, elsewhere, replaces } = candidate;
      if (!(replaces && places.has(replaces.o.id))) ranked++;
      places.add(offer.id);
      const slot = ++filled;
      journeyIds.add(offer.id);
      // An arm that shows the offer at a later moment keeps it and its products free for then.
      if (!elsewhere) {
        usedOffers.add(offer.id);
        for (const productId of entry.productList) usedProducts.add(productId);
      }
      const experiment = offer.experiment;
      if (experiment && arm && !exposed.has(experiment.id)) {
        exposed.add(experiment.id);
        exposures.push({
          experimentId: experiment.id,
          version: experiment.version || 1,
          offerId: offer.id,
          moment,
          arm: arm.kind === "holdout" ? "holdout" : arm.armId,
          slot,
          cartMinor: input.cart.subtotal,
          currency: input.cart.currency,
        });
      }
      // 15. The arm shows it at another moment, or holds it out: the place stays empty.
      if (elsewhere) excluded.push(exclude(entry, "moment_mismatch"));
      else if (arm && arm.kind === "holdout") excluded.push(exclude(entry, "holdout", experiment!.id));
      else offers.push(showOffer(entry, candidate, moment, offers.length + 1, slot, input));
    }
    out.push({ moment, offers, excluded, exposures });
  }
  return { moments: out };
}

/** The offers named as `downsell` by an offer the buyer declined, in rank order (none: no work). */
function unlockedDownsells(offers: readonly PreparedOffer[], input: DecideInput): PreparedOffer[] {
  const declined = input.journey && input.journey.declined;
  const out: PreparedOffer[] = [];
  if (declined && declined.length)
    for (const entry of offers)
      if (entry.parents && entry.parents.some((p) => declined.includes(p.o.id))) out.push(entry);
  return out;
}

/** The moment's scan with the unlocked downsells it holds moved to the front, ranks kept. */
const downsellsFirst = (scan: readonly PreparedOffer[], downsells: readonly PreparedOffer[]) => {
  const front = scan.filter((entry) => downsells.includes(entry));
  return front.length ? front.concat(scan.filter((entry) => !downsells.includes(entry))) : scan;
};
