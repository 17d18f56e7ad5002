import { assign, type Arm } from "./assign";
import { SWAP_MOMENTS, type Discount, type ExperimentVariant, type MomentId } from "./model";
import type { CartLine, DecideInput, Excluded } from "./decision";
import {
  coveredLine,
  eachComplement,
  exclude,
  indexCart,
  isDynamic,
  isSwap,
  linesByPriceDesc,
  prepare,
  runsAt,
  swapSource,
  triggered,
  withComplement,
} from "./prepare";
import type { CartIndex, PreparedOffer } from "./prepare";
import { missingPrice } from "./pricing";

// Steps 1-11 of the decision order (docs/engine.md): each rule answers why an offer is not shown
// at a moment, or passes (undefined). An offer gets the first reason that applies.

/**
 * The offer being checked, and what the rules learn on the way for selection and pricing. One
 * object per decision, reused from offer to offer (a decision makes no garbage per offer).
 */
export interface Candidate {
  /** The buyer's experiment arm, and its variant when not held out. */
  arm?: Arm;
  variant?: ExperimentVariant;
  /** The buyer's arm shows this offer at another moment: it takes its place here, empty. */
  elsewhere?: boolean;
  /** The cart line a swap replaces or a `% of line` price covers. */
  from?: CartLine;
  discount?: Discount;
  /** A linked downsell: the declined offer whose place it takes (decision 027). */
  replaces?: PreparedOffer;
  /** A dynamic offer: the offer with the complement chosen for this cart (decision 034). */
  as?: PreparedOffer;
}

type Rule = (prepared: PreparedOffer, candidate: Candidate) => Excluded | undefined;

/**
 * The rules for one decision, in decision order, over what the decision knows about the buyer,
 * the cart and the journey (computed once). Returns the check of an offer at a moment: the first
 * reason that applies, or undefined (eligible).
 */
export function rulesFor(
  input: DecideInput,
): (prepared: PreparedOffer, candidate: Candidate, moment: MomentId) => Excluded | undefined {
  const { cart, now, country, market, device, inventory } = input;
  const journey = input.journey || {};
  const buyer = input.buyer || {};
  const purchased = new Set(input.purchasedProductIds);
  const accepted = new Set(journey.accepted);
  const declined = new Set(journey.declined);
  // The merchant's "a no ends the journey" guardrail: one decline silences every later moment.
  const stopAfterDecline = input.payload.settings.afterDecline === "journey" && declined.size > 0;
  const buyerTags = buyer.tags || [];
  const returning = !!buyer.returning;
  const locale = input.locale && input.locale.toLowerCase();
  const language = locale && locale.split("-")[0];
  let cartQuantity = 0;
  for (const line of cart.lines) cartQuantity += line.quantity;
  // Built on first use: most decisions never need them.
  let index: CartIndex | undefined;
  const cartIndex = () => index || (index = indexCart(cart.lines));
  let byPriceDesc: CartLine[] | undefined;
  let moment: MomentId;

  /** 1. inactive */
  const active: Rule = (prepared) =>
    prepared.o.status === "active" ? undefined : exclude(prepared, "inactive", prepared.o.status);

  /** 2. scheduled_not_started, expired */
  const scheduled: Rule = (prepared) => {
    const { startsAt, endsAt } = prepared.o;
    if (startsAt !== undefined && now < startsAt) return exclude(prepared, "scheduled_not_started");
    if (endsAt !== undefined && now >= endsAt) return exclude(prepared, "expired");
    return undefined;
  };

  /**
   * 3. moment_mismatch, swap_unavailable. An experiment on the moment itself: every arm takes the
   * offer's place at any arm's moment, so the exposure (the first such place in the journey) does not
   * depend on the arm (decision 013); the arm that shows it elsewhere takes the place empty. A swap
   * offer at a moment after payment is `swap_unavailable` (`SWAP_MOMENTS`).
   */
  const atMoment: Rule = (prepared, candidate) => {
    const offer = prepared.o;
    const experiment = offer.experiment;
    const here = prepared.moments.has(moment);
    // Cheap test first; only offers whose experiment arms move moments need the arm here.
    if (!prepared.armMoments && !here) return exclude(prepared, "moment_mismatch");
    const arm = experiment ? assign(experiment, input.buyerKey) : undefined;
    const armId = arm && arm.kind === "variant" ? arm.armId : undefined;
    const variant = armId === undefined ? undefined : experiment!.variants.find((v) => v.id === armId);
    if (prepared.armMoments && !here && !experiment!.variants.some((v) => !!v.moments && v.moments.includes(moment)))
      return exclude(prepared, "moment_mismatch");
    candidate.arm = arm;
    candidate.variant = variant;
    candidate.elsewhere = prepared.armMoments && !((variant && variant.moments) || offer.moments).includes(moment);
    // A swap switches a line of the cart: after payment the line is bought (decision 027).
    if (isSwap(offer) && !SWAP_MOMENTS.includes(moment)) return exclude(prepared, "swap_unavailable");
    return undefined;
  };

  /**
   * 3. downsell_only: an offer another offer names as its `downsell` shows only once that offer was
   * declined, at a moment the declined offer runs at, in its place (decision 027). The detail names
   * the offers it waits for ("<id> declined at another moment" for one declined where it does not run).
   */
  const linked: Rule = (prepared, candidate) => {
    const parents = prepared.parents;
    if (!parents) return undefined;
    let detail = "";
    for (const parent of parents) {
      const id = parent.o.id;
      if (declined.has(id) && runsAt(parent, moment)) {
        candidate.replaces = parent;
        return undefined;
      }
      detail += (detail ? "," : "") + id + (declined.has(id) ? " declined at another moment" : "");
    }
    return exclude(prepared, "downsell_only", detail);
  };

  /** 4. currency_mismatch, country_mismatch (country or market), language_mismatch, device_mismatch */
  const audience: Rule = (prepared) => {
    const { currencies, countries, markets, languages } = prepared;
    const currency = cart.currency;
    if (currencies && !currencies.has(currency)) return exclude(prepared, "currency_mismatch", currency);
    if (countries && !(country && countries.has(country))) return exclude(prepared, "country_mismatch", country);
    if (markets && !(market && markets.has(market))) return exclude(prepared, "country_mismatch", "market " + market);
    if (languages && !(locale && (languages.has(locale) || languages.has(language!))))
      return exclude(prepared, "language_mismatch", locale);
    const devices = prepared.o.targeting && prepared.o.targeting.devices;
    if (devices && !(device && devices.includes(device))) return exclude(prepared, "device_mismatch", device);
    return undefined;
  };

  /** 5. segment_mismatch (first-time / returning), customer_tag_mismatch (required or excluded tag) */
  const segment: Rule = (prepared) => {
    const wanted = prepared.o.targeting && prepared.o.targeting.buyer;
    if (wanted === "first_time" ? returning : wanted === "returning" ? !returning : false)
      return exclude(prepared, "segment_mismatch", wanted);
    const { customerTags, excludeCustomerTags } = prepared;
    if (customerTags && !buyerTags.some((tag) => customerTags.has(tag)))
      return exclude(prepared, "customer_tag_mismatch");
    if (excludeCustomerTags && buyerTags.some((tag) => excludeCustomerTags.has(tag)))
      return exclude(prepared, "customer_tag_mismatch", "excluded tag");
    return undefined;
  };

  /**
   * 6. trigger_not_in_cart: no trigger on the cart's own lines; a swap needs a line to swap
   * (`swapSource`: already_in_cart when its target is there); `% of line` pricing needs a line to cover.
   */
  const triggeredByCart: Rule = (prepared, candidate) => {
    const offer = prepared.o;
    if (isSwap(offer)) {
      const swap = swapSource(prepared, cartIndex(), cart.currency);
      if ("reason" in swap) return swap;
      candidate.from = swap;
      return undefined;
    }
    if (prepared.hasTrigger && !triggered(prepared, cartIndex())) return exclude(prepared, "trigger_not_in_cart");
    if (offer.pricing && offer.pricing.of === "line") {
      candidate.from = coveredLine(prepared, cart.lines, byPriceDesc || (byPriceDesc = linesByPriceDesc(cart.lines)));
      if (!candidate.from) return exclude(prepared, "trigger_not_in_cart", "no line to cover");
    }
    return undefined;
  };

  /**
   * 6b. no_complement: a dynamic offer takes the first complement of its triggering lines (the
   * priciest line's best first, then the next line's best, ..., then every line's second best) that
   * is not in the cart, not just bought, in stock and priced in the cart's currency (decision 034).
   * None: the detail lists each complement passed over and why.
   */
  const complement = (prepared: PreparedOffer): PreparedOffer | Excluded => {
    const inCart = cartIndex().byProduct;
    let chosen: PreparedOffer | undefined;
    let why = "";
    eachComplement(
      prepare(input.payload).complements,
      prepared,
      byPriceDesc || (byPriceDesc = linesByPriceDesc(cart.lines)),
      (item) => {
        const stock = inventory && inventory[item.variantId];
        const no = inCart.has(item.productId)
          ? "already_in_cart"
          : purchased.has(item.productId)
            ? "already_purchased"
            : stock === false || (typeof stock === "number" && stock < 1)
              ? "out_of_stock"
              : item.prices[cart.currency] === undefined
                ? "no_price_in_currency"
                : "";
        if (!no) return !!(chosen = withComplement(prepared, item));
        why += (why ? ", " : "") + item.productId + " " + no;
      },
    );
    return chosen || exclude(prepared, "no_complement", why || undefined);
  };

  /** 7. subtotal_out_of_range (no range in the cart currency = out of range), quantity_out_of_range */
  const cartInRange: Rule = (prepared) => {
    const targeting = prepared.o.targeting;
    if (!targeting) return undefined;
    const { subtotal, currency } = cart;
    if (targeting.subtotal) {
      const range = targeting.subtotal[currency];
      if (
        !range ||
        (range.min !== undefined && subtotal < range.min) ||
        (range.max !== undefined && subtotal > range.max)
      )
        return exclude(prepared, "subtotal_out_of_range");
    }
    const q = targeting.quantity;
    if (q && ((q.min !== undefined && cartQuantity < q.min) || (q.max !== undefined && cartQuantity > q.max)))
      return exclude(prepared, "quantity_out_of_range");
    return undefined;
  };

  /**
   * 8. no_price_in_currency. An experiment offer needs a price in every live arm, not only the
   * buyer's: taking a place must not depend on the arm (decision 013).
   */
  const priced: Rule = (prepared, candidate) => {
    const variant = candidate.variant;
    const offer = prepared.o;
    const currency = cart.currency;
    candidate.discount = (variant && variant.discount) || offer.discount;
    let missing = missingPrice(offer, offer.experiment ? undefined : candidate.discount, currency);
    if (!missing && offer.experiment)
      for (const v of offer.experiment.variants)
        if (v.weight > 0 && (missing = missingPrice(offer, v.discount || offer.discount, currency))) break;
    return missing ? exclude(prepared, "no_price_in_currency", missing) : undefined;
  };

  /** 9. already_in_cart (swaps: checked with the trigger), already_purchased, accepted_in_journey */
  const notYetTaken: Rule = (prepared) => {
    if (!isSwap(prepared.o)) {
      const inCart = cartIndex().byProduct;
      for (const id of prepared.productList) if (inCart.has(id)) return exclude(prepared, "already_in_cart", id);
      for (const id of prepared.productList) if (purchased.has(id)) return exclude(prepared, "already_purchased", id);
    }
    return accepted.has(prepared.o.id) ? exclude(prepared, "accepted_in_journey") : undefined;
  };

  /** 10. out_of_stock (`inventory[variantId]` false or below the quantity; absent = available) */
  const inStock: Rule = (prepared) => {
    if (inventory)
      for (const item of prepared.o.items) {
        const available = inventory[item.variantId];
        if (available === false || (typeof available === "number" && available < item.quantity))
          return exclude(prepared, "out_of_stock", item.variantId);
      }
    return undefined;
  };

  /** 11. declined_in_journey, after_decline (not for the downsell a decline unlocked: its answer) */
  const notDeclined: Rule = (prepared, candidate) =>
    declined.has(prepared.o.id)
      ? exclude(prepared, "declined_in_journey")
      : stopAfterDecline && !candidate.replaces
        ? exclude(prepared, "after_decline")
        : undefined;

  // The rules in decision order: the first reason that applies is the offer's.
  return (prepared, candidate, at) => {
    moment = at;
    candidate.arm = candidate.variant = candidate.from = candidate.discount = candidate.replaces = undefined;
    candidate.elsewhere = false;
    candidate.as = undefined;
    const before =
      active(prepared, candidate) ||
      scheduled(prepared, candidate) ||
      atMoment(prepared, candidate) ||
      linked(prepared, candidate) ||
      audience(prepared, candidate) ||
      segment(prepared, candidate) ||
      triggeredByCart(prepared, candidate);
    if (before) return before;
    // A dynamic offer goes on as the offer of its chosen complement: the same rules, exposure and price.
    if (isDynamic(prepared.o)) {
      const chosen = complement(prepared);
      if ("reason" in chosen) return chosen;
      prepared = candidate.as = chosen;
    }
    return (
      cartInRange(prepared, candidate) ||
      priced(prepared, candidate) ||
      notYetTaken(prepared, candidate) ||
      inStock(prepared, candidate) ||
      notDeclined(prepared, candidate)
    );
  };
}
