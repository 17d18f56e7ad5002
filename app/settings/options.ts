import type { CurrencyDisplay, MomentId, Settings, ThankYouAccept } from "@moments/engine";

/** Settings page choices and form shape (shared by the page and the server). */
/** Keys are the engine's `settings.afterDecline` values. */
export const DECLINE_BEHAVIOURS = {
  offer: "Hide the declined offer for the rest of the buyer's journey",
  journey: "Show no more offers in the journey once the buyer declines one",
} as const satisfies Record<NonNullable<Settings["afterDecline"]>, string>;
/**
 * Keys are Intl.NumberFormat's currencyDisplay (the engine's `settings.currencyDisplay`). Amounts are
 * always in the buyer's (presentment) currency: that is what checkout charges.
 */
export const CURRENCY_DISPLAYS = {
  symbol: "Symbol, told apart where needed: CA$49.00, €49.00",
  narrowSymbol: "Narrow symbol: $49.00, €49.00",
  code: "Currency code: CAD 49.00, EUR 49.00",
} as const satisfies Record<CurrencyDisplay, string>;

/**
 * How a buyer takes a thank-you offer (the engine's `settings.thankYouAccept`, decision 026): added
 * to the order just paid through Shopify's order editing, Shopify's invoice collecting the balance,
 * or a link to a new checkout (a second order, paid there).
 */
export const THANK_YOU_ACCEPT_CHOICES = {
  order_edit: "Add to the paid order (Shopify emails an invoice for the difference)",
  new_checkout: "Open a new checkout (a separate order)",
} as const satisfies Record<ThankYouAccept, string>;

export interface SettingsForm {
  journeyCap: string;
  declineBehaviour: string;
  defaultLocale: string;
  currencyDisplay: string;
  thankYouAccept: string;
  emailDelayHours: string;
  emailSenderName: string;
  emailSenderAddress: string;
  retentionDays: string;
  /** Completion guardrail threshold, percentage points (decision 031). */
  completionThresholdPoints: string;
  /** Archive offers whose experiment lost, without asking (decision 031). */
  archiveLosers: boolean;
  /** Lowest price an offer may charge without being a free gift, % of the item's price (decision 032). */
  priceFloorPercent: string;
  moments: Record<MomentId, { enabled: boolean; maxOffers: string }>;
}
