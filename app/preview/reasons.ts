import type { Reason } from "@moments/engine";

/** The engine's exclusion reasons in words a merchant understands ("why not shown"). */
export const REASON_WORDS: Record<Reason, string> = {
  inactive: "The offer is not active (paused, draft or archived).",
  scheduled_not_started: "The offer's schedule has not started yet.",
  expired: "The offer's schedule has ended.",
  moment_mismatch: "The offer is not set to show at this moment.",
  swap_unavailable:
    "An upgrade switches a line of the cart, which is only possible before payment: after the order it cannot swap what was bought.",
  downsell_only:
    "This offer is another offer's downsell: it shows only after the buyer declines that offer, at a moment that offer runs at.",
  currency_mismatch: "The buyer pays in a currency the offer does not target.",
  country_mismatch: "The buyer's country is not one the offer targets.",
  language_mismatch: "The buyer's language is not one the offer targets.",
  device_mismatch: "The buyer's device is not one the offer targets.",
  segment_mismatch: "The offer targets first-time or returning buyers only, and this buyer is the other kind.",
  customer_tag_mismatch: "The buyer's customer tags do not match the offer's.",
  trigger_not_in_cart: "Nothing in the cart triggers the offer (its products, collections, tags or vendors).",
  subtotal_out_of_range: "The cart total is outside the offer's range.",
  quantity_out_of_range: "The number of items in the cart is outside the offer's range.",
  no_price_in_currency: "The offer has no price in the buyer's currency.",
  already_in_cart: "The offered product is already in the cart.",
  already_purchased: "The buyer has just bought the offered product.",
  accepted_in_journey: "The buyer already accepted this offer.",
  out_of_stock: "The offered product is out of stock.",
  declined_in_journey: "The buyer declined this offer earlier in the journey.",
  after_decline: "The buyer declined an offer earlier, and your settings end the journey's offers after a decline.",
  same_product_conflict: "Another offer with the same product shows first.",
  journey_cap_reached: "The buyer has already seen as many offers as the journey cap allows.",
  moment_limit_reached: "This moment already shows as many offers as its limit allows.",
  lower_priority: "Offers with a higher priority fill this moment first.",
  holdout: "This buyer is in the experiment's hold-out group, who see no offer (that is how the lift is measured).",
};
