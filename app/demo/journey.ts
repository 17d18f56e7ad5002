import { formatMoney } from "~/lib/money";
import {
  ATTR,
  decide,
  encodePayload,
  exposureEventFields,
  MOMENTS,
  type Device,
  type Excluded,
  type MomentId,
  type Payload,
  type ShownOffer,
} from "@moments/engine";
import {
  acceptChanges,
  isReplaced,
  decideInput,
  viewOf,
  newCheckoutUrl,
  type Snapshot,
  type View,
} from "@moments/surfaces/checkout";
import en from "../../extensions/checkout-upsell/locales/en.default.json";
import de from "../../extensions/checkout-upsell/locales/de.json";
import fr from "../../extensions/checkout-upsell/locales/fr.json";
import { DEMO_CATALOG, demoCollectionGid, demoProductGid, demoVariantGid } from "./catalog";
import { buyerCard, orderEditSteps, type BuyerCard } from "./journey-view";
import { discountFunctionSays } from "./journey-discount";

/**
 * The buyer-journey simulator: a sample cart walks through every checkout moment with the shop's
 * published payload, the same engine and the same view-model code the checkout extension runs
 * (packages/surfaces/src/checkout), so what this page shows is what the extension would
 * render, and why. Pure: the route feeds it the payload and the buyer.
 */
export const JOURNEY_STEPS: ReadonlyArray<{ moment: MomentId; target: string; surface: string }> = [
  {
    moment: "checkout",
    target: "purchase.checkout.block.render",
    surface: "Checkout, before payment (block or under the line items)",
  },
  {
    moment: "information",
    target: "purchase.checkout.contact.render-after",
    surface: "Checkout, next to the contact form",
  },
  {
    moment: "shipping",
    target: "purchase.checkout.shipping-option-list.render-after",
    surface: "Checkout, under the shipping options",
  },
  {
    moment: "payment",
    target: "purchase.checkout.payment-method-list.render-after",
    surface: "Checkout, next to the payment methods",
  },
  { moment: "thank_you", target: "purchase.thank-you.block.render", surface: "Thank-you and order status pages" },
];

export const DEMO_STOREFRONT = "https://moments-demo.myshopify.com";
const STRINGS: Record<string, typeof en.offer> = { en: en.offer, de: de.offer, fr: fr.offer };

export interface CatalogChoice {
  key: string;
  label: string;
  productKey: string;
}
/** Every demo variant a sample cart can hold (variant key -> product / variant). */
export const CART_CHOICES: CatalogChoice[] = DEMO_CATALOG.flatMap((p) =>
  p.variants.map((v) => ({
    key: v.key,
    productKey: p.key,
    label: p.variants.length > 1 ? `${p.title} (${v.title})` : p.title,
  })),
);

export interface Buyer {
  /** Variant keys from the demo catalog. */
  cart: string[];
  currency: "EUR" | "USD";
  country: string;
  locale: "en" | "de" | "fr";
  device: Device;
  returning: boolean;
  /** The journey key (a checkout token in the real extension): it decides experiment arms. */
  journeyKey: string;
  /** Simulate the buyer accepting each offer as it appears (later moments see the new lines). */
  acceptAll: boolean;
}

export interface OfferCard {
  title: string;
  body?: string;
  price: string;
  was?: string;
  cta: string;
  decline: string;
  /** thank-you: the link to a new checkout; checkout moments: the cart line changes. */
  link?: string;
  changes: string[];
  /** What the Discount Function would take off each added line once in the cart. */
  functionCheck: string[];
  offerId: string;
  type: string;
  arm?: string;
  /** The card as the surface renders it: layout, product image, price (decision 024). */
  view: BuyerCard;
}

export interface StepResult {
  moment: MomentId;
  label: string;
  plusOnly: boolean;
  surface: string;
  target: string;
  kind: View["kind"];
  card?: OfferCard;
  /** Why nothing (or only this) is shown: the engine's exclusions with plain reasons. */
  excluded: Array<{ offerId: string; name: string; reason: string }>;
  /**
   * The exposure events the extension sends at this step (engine exposures, hold-out and variants
   * alike, from every placement): what makes this buyer a visitor of an experiment's arm.
   */
  exposures: Array<{ eventId: string; offerId: string; name: string; experimentId: string; arm: string; slot: number }>;
  note?: string;
  /** Thank-you: the order just paid (the cart at payment), which the order edit adds to (decision 026). */
  order?: Snapshot["lines"];
}

const REASON_TEXT: Partial<Record<Excluded["reason"], string>> = {
  moment_mismatch: "runs at another moment",
  swap_unavailable: "an upgrade swaps a cart line, which only works before payment",
  downsell_only: "a downsell: shown only after the offer that names it is declined",
  trigger_not_in_cart: "its trigger product is not in the cart",
  already_in_cart: "already in the cart",
  already_purchased: "just bought",
  device_mismatch: "targets another device",
  country_mismatch: "targets other countries",
  currency_mismatch: "targets other currencies",
  language_mismatch: "targets other languages",
  segment_mismatch: "targets another buyer segment",
  no_price_in_currency: "has no price in this currency",
  declined_in_journey: "declined earlier in this journey",
  after_decline: "the buyer said no earlier, and a no ends the journey's offers",
  accepted_in_journey: "accepted earlier in this journey",
  journey_cap_reached: "the journey's offer cap is reached",
  moment_limit_reached: "this moment's slots are taken",
  lower_priority: "a higher-priority offer took the slot",
  same_product_conflict: "its product is already offered at this moment",
  holdout: "this buyer is in the experiment's hold-out",
};

function buildSnapshot(buyer: Buyer, extra: Snapshot["lines"] = []): Snapshot {
  const lines: Snapshot["lines"] = [];
  const lineIds: string[] = [];
  for (const key of buyer.cart) {
    const pi = DEMO_CATALOG.findIndex((p) => p.variants.some((v) => v.key === key));
    if (pi < 0) continue;
    const p = DEMO_CATALOG[pi]!;
    const vi = p.variants.findIndex((v) => v.key === key);
    const v = p.variants[vi]!;
    const line: Snapshot["lines"][number] = {
      productId: demoProductGid(pi),
      variantId: demoVariantGid(pi, vi),
      quantity: 1,
      unitPrice: buyer.currency === "EUR" ? v.eur : v.usd,
      vendor: p.vendor,
      productType: p.productType,
      tags: p.tags,
      // The same GIDs the demo gateway gives and offers target (the extension asks Shopify for them).
      collectionIds: p.collections.map(demoCollectionGid),
      attributes: {},
    };
    if (v.sellingPlan) line.sellingPlanId = `gid://shopify/SellingPlan/${7700000000 + pi}`;
    lines.push(line);
    lineIds.push(`gid://shopify/CartLine/${key}`);
  }
  for (const l of extra) {
    lines.push(l);
    lineIds.push(`gid://shopify/CartLine/offer-${lineIds.length}`);
  }
  return {
    lines,
    lineIds,
    currency: buyer.currency,
    subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
    country: buyer.country,
    locale: buyer.locale,
    device: buyer.device,
    returning: buyer.returning,
  };
}

/** The cart after the extension's accept changes (adds and swaps), as the checkout would hold it. */
function applyAccept(snapshot: Snapshot, offer: ShownOffer): Snapshot {
  const lines = snapshot.lines.map((l) => ({ ...l }));
  for (const add of offer.lines) {
    const unit = add.quantity ? Math.round(add.listTotal / add.quantity) : 0;
    const line = {
      productId: add.productId,
      variantId: add.variantId,
      quantity: add.quantity,
      unitPrice: unit,
      attributes: add.attributes,
    };
    if (add.action === "swap") {
      const i = lines.findIndex((l) => isReplaced(l, add));
      if (i >= 0)
        lines[i] = { ...lines[i]!, ...line, ...(add.sellingPlanId ? { sellingPlanId: add.sellingPlanId } : {}) };
    } else lines.push({ ...line, ...(add.sellingPlanId ? { sellingPlanId: add.sellingPlanId } : {}) });
  }
  return {
    ...snapshot,
    lines,
    lineIds: lines.map((_, i) => snapshot.lineIds[i] ?? `gid://shopify/CartLine/offer-${i}`),
    subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
  };
}

export function simulateJourney(
  payload: Payload,
  buyer: Buyer,
  now: number,
  names: Record<string, string> = {},
): StepResult[] {
  const journey: { shown: Array<{ offerId: string; moment: MomentId }>; accepted: string[]; declined: string[] } = {
    shown: [],
    accepted: [],
    declined: [],
  };
  let snapshot = buildSnapshot(buyer);
  const strings = STRINGS[buyer.locale] ?? en.offer;
  const money = (minor: number) => formatMoney(minor, buyer.currency, buyer.locale, payload.settings.currencyDisplay);
  const out: StepResult[] = [];
  const payloadJson = encodePayload(payload.offers, payload.settings, payload.publishedAt);
  for (const step of JOURNEY_STEPS) {
    const meta = MOMENTS.find((m) => m.id === step.moment)!;
    const after = step.moment === "thank_you";
    const newCheckout = after && payload.settings.thankYouAccept === "new_checkout";
    // After the order, the cart is the order just paid: its products are the "just bought" ones.
    const purchased = snapshot.lines.map((l) => l.productId);
    const input = {
      payload,
      snapshot,
      moment: step.moment,
      journeyKey: buyer.journeyKey,
      journey,
      now,
      ...(after ? { purchased } : {}),
    };
    // The extension's own view model, and the engine's full decision for the "why".
    // One decision: the placement's view of it (as the extension renders) and all of it for the "why".
    const decision = decide(decideInput(input)).moments[0]!;
    const view = viewOf(decision);
    const result: StepResult = {
      moment: step.moment,
      label: meta.label,
      plusOnly: meta.plusOnly,
      surface: step.surface,
      target: step.target,
      kind: view.kind,
      excluded: decision.excluded
        .filter((e) => e.reason !== "moment_mismatch")
        .map((e) => ({
          offerId: e.offerId,
          name: names[e.offerId] ?? e.offerId,
          reason:
            (e.detail?.startsWith("no line to upgrade") && e.detail) ||
            REASON_TEXT[e.reason] ||
            e.reason.replace(/_/g, " "),
        })),
      exposures: view.exposures.map((x) => ({
        eventId: exposureEventFields(x, buyer.journeyKey).id,
        offerId: x.offerId,
        name: names[x.offerId] ?? x.offerId,
        experimentId: x.experimentId,
        arm: x.arm,
        slot: x.slot,
      })),
    };
    if (view.kind === "holdout") {
      journey.shown.push({ offerId: view.offerId, moment: step.moment });
      result.note = `Hold-out: this buyer sees nothing for "${names[view.offerId] ?? view.offerId}"; the extension still logs its exposure (arm: holdout), like a variant buyer's, so the lift can be measured.`;
    } else if (view.kind === "offer") {
      const offer = view.offer;
      journey.shown.push({ offerId: offer.offerId, moment: step.moment });
      const changes = acceptChanges(offer, snapshot);
      const swap = offer.lines.some((l) => l.action === "swap");
      const accepted = applyAccept(snapshot, offer);
      const cta = offer.copy.cta ?? (newCheckout ? strings.newCheckout : swap ? strings.upgrade : strings.add);
      const decline = offer.copy.decline ?? strings.decline;
      const card: OfferCard = {
        title: offer.copy.title,
        price: money(offer.price.final),
        cta,
        decline,
        changes:
          after && !newCheckout
            ? orderEditSteps(offer, money)
            : "error" in changes
              ? ["the line to upgrade is missing: nothing would change"]
              : changes.map((c) =>
                  c.type === "addCartLine"
                    ? `addCartLine ${c.merchandiseId} x${c.quantity} [${(c.attributes ?? []).map((a) => `${a.key}=${a.value}`).join(", ")}]`
                    : c.type === "updateCartLine"
                      ? `updateCartLine ${c.id} -> ${c.merchandiseId}${c.sellingPlanId ? ` on ${c.sellingPlanId}` : ""} x${c.quantity} [${(c.attributes ?? []).map((a) => `${a.key}=${a.value}`).join(", ")}]`
                      : `removeCartLine ${c.id}`,
                ),
        // Checkout moments: the cart after accepting. Thank-you: a new checkout holding only the offer
        // (added to the paid order instead, the order edit's discount prices it: no function runs).
        functionCheck:
          after && !newCheckout
            ? []
            : discountFunctionSays(
                payloadJson,
                after
                  ? { ...accepted, lines: accepted.lines.filter((l) => l.attributes?.[ATTR.offer] === offer.offerId) }
                  : accepted,
                now,
                money,
              ),
        offerId: offer.offerId,
        type: offer.type,
        view: buyerCard(offer, { cta, decline }, payload.settings.currencyDisplay),
      };
      if (offer.copy.body) card.body = offer.copy.body;
      if (offer.price.savings > 0) card.was = strings.was.replace("{{price}}", money(offer.price.original));
      if (offer.armId) card.arm = offer.armId;
      if (newCheckout) card.link = newCheckoutUrl(DEMO_STOREFRONT, offer, buyer.journeyKey);
      result.card = card;
      if (buyer.acceptAll && !after) {
        journey.accepted.push(offer.offerId);
        snapshot = accepted;
      }
    }
    if (after) result.order = snapshot.lines;
    out.push(result);
  }
  return out;
}
