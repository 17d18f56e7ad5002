import type { CurrencyDisplay, Design, MomentId } from "@moments/engine";

/**
 * What the app backend (app/post-purchase/offer.server.ts) answers the post-purchase extension
 * (extensions/post-purchase/src/flow.ts), and what the extension sends back to be signed.
 */

export interface AddVariantChange {
  type: "add_variant";
  variantId: number;
  quantity: number;
  discount?: { value: number; valueType: "percentage" | "fixed_amount"; title: string };
}

export interface QuantityOption {
  /** Multiple of the offer's published quantities (1 = the offer as published). */
  multiple: number;
  original: number;
  final: number;
  savings: number;
  /** Unsigned, for `calculateChangeset` (shipping and tax preview); the signed one is the server's. */
  changes: AddVariantChange[];
}

export interface PostPurchaseOfferView {
  referenceId: string;
  step: number;
  offerId: string;
  experimentId?: string;
  /** The buyer's experiment arm (engine `ShownOffer.armId`). */
  armId?: string;
  moment: MomentId;
  type: string;
  locale: string;
  title: string;
  body?: string;
  cta?: string;
  decline?: string;
  /** The layout (engine `DESIGNS`; absent = "card"). Older backends sent free text: read anything else as "card". */
  design?: Design;
  /** The product image's URL (engine `ShownOffer.image`); absent = none. */
  image?: string;
  currency: string;
  /** Formatting-free minor units; the extension formats them in the buyer's locale. */
  quantities: QuantityOption[];
  lines: Array<{ productId: string; variantId: string; quantity: number }>;
  /** The journey key the experiment arm was assigned with (events carry it). */
  journeyKey: string;
  /** Intl currencyDisplay chosen in Settings; absent = "symbol". */
  currencyDisplay?: CurrencyDisplay;
}

/** The extension asks the backend to sign the changes of the option the buyer chose. */
export interface SignBody {
  referenceId: string;
  offerId: string;
  multiple: number;
  expected: { final: number; currency: string };
}
