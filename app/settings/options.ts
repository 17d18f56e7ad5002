import type { MomentId } from "@moments/engine";

/** Settings page choices and form shape (shared by the page and the server). */
export const DECLINE_BEHAVIOURS = {
  hide_for_journey: "Hide the declined offer for the rest of the buyer's journey",
} as const;
export const CURRENCY_DISPLAYS = {
  presentment: "In the buyer's currency (presentment)",
  shop: "In the shop's currency",
} as const;

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
