import type { CurrencyDisplay, MomentId, Settings } from "@moments/engine";

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

export interface SettingsForm {
  journeyCap: string;
  declineBehaviour: string;
  defaultLocale: string;
  currencyDisplay: string;
  emailDelayHours: string;
  emailSenderName: string;
  emailSenderAddress: string;
  retentionDays: string;
  moments: Record<MomentId, { enabled: boolean; maxOffers: string }>;
}
