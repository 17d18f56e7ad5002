/**
 * The offer form's model: the form as the admin edits it (strings, as inputs hold them), its
 * empty state and the experiment rows it maps to. Shared by the browser and the server.
 */
import type { Design, Device, MomentId, OfferType } from "@moments/engine";

export const LOCALES = ["en", "de", "fr", "es", "it", "nl"] as const;

export const OFFER_TYPE_LABELS: Record<OfferType, string> = {
  product: "Single product / accessory",
  bundle: "Multi-item bundle",
  warranty: "Warranty / protection plan",
  variant_upgrade: "One-click variant upgrade",
  discount: "Discount micro-offer",
  subscription_upgrade: "Subscription / plan upgrade",
  shipping_protection: "Shipping insurance / priority handling",
  service_addon: "Onboarding / service add-on",
  dynamic: "Dynamic: best complement from your orders",
};

export interface CopyForm {
  title: string;
  body: string;
  cta: string;
  decline: string;
}

export interface ItemForm {
  productId: string;
  variantId: string;
  quantity: string;
  /** For display only ("Product - Variant"). */
  title: string;
}

export type DiscountKind = "none" | "percent" | "fixed" | "bundle_price";

export interface DiscountForm {
  kind: DiscountKind;
  percent: string;
  /** Decimal amounts per currency ("12.50"), for fixed and bundle_price. */
  amounts: Record<string, string>;
}

export interface VariantForm {
  /** Existing arm id (stable: changing it would reassign buyers), "" for a new arm. */
  id: string;
  name: string;
  weight: string;
  /** Overrides on top of the offer; empty = same as the offer (the control). */
  title: string;
  body: string;
  discountPercent: string;
  /** A layout (`DESIGNS`), or "" for the offer's own. */
  design: string;
}

export interface OfferForm {
  name: string;
  type: OfferType;
  status: "active" | "paused" | "draft";
  priority: string;
  moments: MomentId[];
  /** "YYYY-MM-DDTHH:mm" in UTC, or "". */
  startsAt: string;
  endsAt: string;
  items: ItemForm[];
  discount: DiscountForm;
  /** Warranty / protection priced as a % of the covered line or the subtotal ("" = flat price). */
  pricingPercent: string;
  pricingOf: "line" | "subtotal";
  copy: Record<string, CopyForm>;
  /** The layout buyers see (`DESIGNS`: "card", "compact", "banner"). */
  design: string;
  targeting: {
    devices: Device[];
    /** Comma-separated ISO country codes ("DE, FR"). */
    countries: string;
    currencies: string[];
    languages: string;
    buyer: "any" | "first_time" | "returning";
    triggerProducts: Array<{ productId: string; title: string }>;
    tags: string;
    vendors: string;
    /**
     * Collection GIDs (`gid://shopify/Collection/N`). Titles come from the shop's collection list;
     * an id not in it (a deleted collection) is kept and shown as the id.
     */
    collections: string[];
    /** Minimum cart subtotal per currency, decimal. */
    minSubtotal: Record<string, string>;
  };
  experiment: {
    enabled: boolean;
    /** Hold-out share in percent, decimals allowed ("10", "2.5"). */
    holdoutPct: string;
    variants: VariantForm[];
    /** "fixed" (the weights) or "automatic" (decision 030); absent = fixed. */
    allocation?: "fixed" | "automatic";
  };
  /** "When declined, show": another offer of the shop, by id ("" = none; decision 027). */
  downsell: string;
  /**
   * "This is a free gift": the merchant means 100% off or a price below the shop's floor (decision
   * 032). Absent = not chosen (a page opened before the field existed).
   */
  freeGift?: boolean;
}

/**
 * One of the shop's other offers as the "When declined, show" select lists it and the downsell
 * rule checks it (`app/offers/form-downsell.ts`): read from the shop's own offers, never the form.
 */
export interface DownsellChoice {
  id: string;
  name: string;
  status: string;
  moments: MomentId[];
  /** The offer it names as its own downsell (the chain the rule follows to refuse loops). */
  downsell: string | null;
}

export type FieldErrors = Record<string, string>;

/** The engine's limit on `targeting.collections` (packages/engine/src/model.ts `targetingSpec`). */
export const MAX_TRIGGER_COLLECTIONS = 100;

export const emptyCopy = (): CopyForm => ({ title: "", body: "", cta: "Add to order", decline: "No thanks" });

export function newVariant(name: string): VariantForm {
  return { id: "", name, weight: "1", title: "", body: "", discountPercent: "", design: "" };
}

export function emptyOfferForm(currencies: readonly string[]): OfferForm {
  return {
    name: "",
    type: "product",
    status: "active",
    priority: "0",
    moments: ["checkout"],
    startsAt: "",
    endsAt: "",
    items: [],
    discount: { kind: "percent", percent: "10", amounts: Object.fromEntries(currencies.map((c) => [c, ""])) },
    pricingPercent: "",
    pricingOf: "line",
    copy: { en: emptyCopy() },
    design: "card",
    targeting: {
      devices: [],
      countries: "",
      currencies: [],
      languages: "",
      buyer: "any",
      triggerProducts: [],
      tags: "",
      vendors: "",
      collections: [],
      minSubtotal: {},
    },
    experiment: { enabled: false, holdoutPct: "10", variants: [newVariant("A"), newVariant("B")] },
    downsell: "",
  };
}

/** Experiment rows as the form needs them (names and lifecycle live in the database rows). */
export interface StoredVariant {
  id: string;
  name: string;
  weight: number;
  overrides: { title?: string; body?: string; discountPercent?: number; design?: Design };
}
