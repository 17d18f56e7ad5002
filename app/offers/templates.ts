/**
 * The playbook: offer templates per moment, from the upsell timing guide the product grew from
 * (docs/decisions/022-playbook-templates.md). Pure data, typed against the offer form, so a
 * template is a form the editor could have produced; tests/offer-templates.test.ts runs every one
 * through the editor's own server-side validation. The products come from the shop's catalog
 * (`slots`): suggested from it, confirmed or changed by the merchant. Copy names no price: every
 * surface shows the price beside it, in the buyer's currency, from the catalog's prices.
 */
import type { Device, MomentId, OfferType } from "@moments/engine";
import type { CopyForm, OfferForm } from "./form-model";

/** A product a template needs: one it offers, or one whose presence in the cart shows it. */
export interface TemplateSlot {
  role: "offer" | "trigger";
  /** What the merchant picks, in their words. */
  label: string;
  /**
   * Words the suggestion looks for in the catalog, best first: a tag or product type (whole, any
   * case) or a word of the product's or a variant's title.
   */
  hints: readonly string[];
  /** "premium": a product with several variants, and its premium (named or dearest) one. */
  variant?: "first" | "premium";
}

export interface OfferTemplate {
  id: string;
  /** The offer's name in the admin (the merchant can rename the draft). */
  name: string;
  moment: MomentId;
  type: OfferType;
  /** What it does, for the gallery card. */
  summary: string;
  /** The guide's line it comes from (moment, signal, offer type). */
  guide: string;
  /** Who sees it, in plain words: what `targeting`, the trigger slots and the schedule say. */
  rule: string;
  slots: readonly TemplateSlot[];
  /** English copy, benefit-led, with a visible decline. */
  copy: CopyForm;
  /** Whole percent off the offer's price (any currency), or null for the catalog price. */
  discountPercent: number | null;
  targeting: Partial<Pick<OfferForm["targeting"], "buyer">> & { devices?: Device[] };
  /** A limited-time offer ends this many days after the draft is created (the schedule backs the copy). */
  endsAfterDays?: number;
  /** The experiment's hold-out share in percent: who sees nothing, to measure the offer's real lift. */
  holdoutPct: number;
  priority: number;
}

const offer = (label: string, hints: readonly string[], variant?: TemplateSlot["variant"]): TemplateSlot => ({
  role: "offer",
  label,
  hints,
  ...(variant ? { variant } : {}),
});
const trigger = (label: string, hints: readonly string[]): TemplateSlot => ({ role: "trigger", label, hints });

/** The guide's moments as templates, in journey order. */
export const OFFER_TEMPLATES: readonly OfferTemplate[] = [
  {
    id: "exit-intent-bundle",
    name: "Limited-time bundle on exit intent",
    moment: "exit_intent",
    type: "bundle",
    summary:
      "When a shopper is about to leave the store, offers two products together at 15% off, with a clear “No thanks”.",
    guide: "Exit intent · mouse toward close · limited-time bundle",
    rule: "Shoppers about to leave; ends 14 days after you create it.",
    slots: [
      offer("First product of the bundle", ["power-tools", "drill", "bestseller"]),
      offer("Second product of the bundle", ["storage", "case", "accessory"]),
    ],
    copy: {
      title: "Before you go: 15% off this pair",
      body: "Both together for 15% less than buying them one by one. The offer ends soon.",
      cta: "Get the bundle",
      decline: "No thanks",
    },
    discountPercent: 15,
    targeting: {},
    endsAfterDays: 14,
    holdoutPct: 10,
    priority: 40,
  },
  {
    id: "checkout-bundle",
    name: "Bundle before payment",
    moment: "checkout",
    type: "bundle",
    summary:
      "Just before the buyer pays, suggests the two extras that complete the main product, as one bundle at 15% off.",
    guide: "After cart, before payment · related need · bundle",
    rule: "Buyers whose cart holds the main product.",
    slots: [
      trigger("Main product in the cart", ["headset", "audio", "electronics"]),
      offer("First extra", ["cable", "accessory", "add-on"]),
      offer("Second extra", ["insurance", "protection", "add-on"]),
    ],
    copy: {
      title: "Complete your setup and save 15%",
      body: "The two extras most buyers add, together in one tap. No second order later.",
      cta: "Add the bundle",
      decline: "No thanks",
    },
    discountPercent: 15,
    targeting: {},
    holdoutPct: 10,
    priority: 50,
  },
  {
    id: "mobile-micro-discount",
    name: "Mobile micro-discount",
    moment: "checkout",
    type: "discount",
    summary: "A small add-on at 10% off for buyers on a phone: one tap, nothing to type.",
    guide: "Mobile checkout · small screen · discount micro-offer",
    rule: "Buyers on a mobile device.",
    slots: [offer("Small add-on", ["accessory", "add-on", "sizing"])],
    copy: {
      title: "A little extra, 10% off on mobile",
      body: "Add it with one tap while you check out on your phone.",
      cta: "Add for less",
      decline: "No thanks",
    },
    discountPercent: 10,
    targeting: { devices: ["mobile"] },
    holdoutPct: 10,
    priority: 45,
  },
  {
    id: "first-time-intro-bundle",
    name: "First-time buyer intro bundle",
    moment: "checkout",
    type: "bundle",
    summary: "Welcomes new customers with a starter bundle at 20% off on their first order.",
    guide: "First-time buyer · new customer flow · intro bundle",
    rule: "First-time buyers (no earlier order with the shop).",
    slots: [
      offer("First product of the starter bundle", ["onboarding", "service", "starter"]),
      offer("Second product of the starter bundle", ["software", "subscription", "accessory"]),
    ],
    copy: {
      title: "Welcome! Your starter bundle, 20% off",
      body: "New here? Get both at 20% off on your first order: everything you need from day one.",
      cta: "Add the starter bundle",
      decline: "No thanks",
    },
    discountPercent: 20,
    targeting: { buyer: "first_time" },
    holdoutPct: 10,
    priority: 55,
  },
  {
    id: "form-premium-upgrade",
    name: "One-click premium upgrade at the form",
    moment: "information",
    type: "variant_upgrade",
    summary:
      "While the buyer fills in contact and address, offers to swap their item for its premium version in one click.",
    guide: "Form entry · address accuracy · one-click upgrade",
    rule: "Buyers whose cart holds another variant of the product: that line is swapped.",
    slots: [offer("Premium variant to upgrade to", ["premium", "pro", "deluxe"], "premium")],
    copy: {
      title: "Upgrade to the premium version",
      body: "Better materials that last longer, swapped into your order in one click: 10% off today.",
      cta: "Upgrade in one click",
      decline: "Keep my choice",
    },
    discountPercent: 10,
    targeting: {},
    holdoutPct: 10,
    priority: 60,
  },
  {
    id: "shipping-insurance",
    name: "Shipping insurance at the shipping step",
    moment: "shipping",
    type: "shipping_protection",
    summary:
      "Under the delivery options, once the buyer has chosen how it ships, offers insurance (or priority handling) for the parcel.",
    guide: "Shipping page · delivery choice · expedited shipping or insurance",
    rule: "Buyers whose cart holds a product worth insuring.",
    slots: [
      offer("Shipping insurance or priority handling", ["insurance", "shipping", "priority", "express"]),
      trigger("Product worth insuring", ["fragile", "art", "electronics"]),
    ],
    copy: {
      title: "Insure your delivery",
      body: "If your parcel is lost or arrives damaged, we send a replacement at no cost to you.",
      cta: "Insure my order",
      decline: "Ship without insurance",
    },
    discountPercent: null,
    targeting: {},
    holdoutPct: 10,
    priority: 50,
  },
  {
    id: "payment-protection-plan",
    name: "Protection plan at payment",
    moment: "payment",
    type: "warranty",
    summary:
      "Next to the payment methods, offers your protection plan for the product the buyer has just committed to.",
    guide: "Payment page · payment method stage · premium warranty",
    rule: "Buyers whose cart holds the product it covers.",
    slots: [
      offer("Protection plan", ["warranty", "protection", "care"]),
      trigger("Product it covers", ["laptop", "electronics"]),
    ],
    copy: {
      title: "Protect it from day one",
      body: "Repairs or a replacement if it breaks, without paperwork. Cover starts the day your order ships.",
      cta: "Add protection",
      decline: "No protection, thanks",
    },
    discountPercent: null,
    targeting: {},
    holdoutPct: 10,
    priority: 50,
  },
  {
    id: "post-purchase-accessory",
    name: "Accessory after purchase",
    moment: "post_purchase",
    type: "product",
    summary:
      "Right after payment, offers the accessory for what was just bought, added to the same order in one click.",
    guide: "Post-purchase · recent buyer · related accessory",
    rule: "Buyers whose order holds the product the accessory fits.",
    slots: [
      trigger("Product it fits", ["headset", "audio", "electronics"]),
      offer("Accessory", ["cable", "accessory", "add-on"]),
    ],
    copy: {
      title: "Make the most of your new purchase",
      body: "Add the matching accessory to the order you just placed, 15% off: no new checkout, same delivery.",
      cta: "Add to my order",
      decline: "No thanks, I'm done",
    },
    discountPercent: 15,
    targeting: {},
    holdoutPct: 10,
    priority: 50,
  },
];

export const templateById = (id: string): OfferTemplate | undefined => OFFER_TEMPLATES.find((t) => t.id === id);
