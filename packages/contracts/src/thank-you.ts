import type { ShownOffer } from "@moments/engine";

/**
 * The thank-you page's calls to the app (decision 026), with the checkout session token as
 * `Authorization: Bearer`. The order comes from the page (`shopify.orderConfirmation`), and the
 * server checks it against Shopify's own order (its checkout token, customer and age) before it
 * decides or edits anything; prices are always the server's engine's, never the body's.
 */
export const THANK_YOU_ACCEPT_PATH = "/api/thank-you/accept";
export const THANK_YOU_OFFER_PATH = "/api/thank-you/offer";

/** Which order the page is about: the confirmation's order GID and the page's checkout token. */
export interface ThankYouOrderRef {
  orderId: string;
  checkoutToken: string;
}

/** POST /api/thank-you/offer: the post-purchase offer for a buyer whose checkout skipped that page. */
export type ThankYouOfferBody = ThankYouOrderRef;

export interface ThankYouOfferAnswer {
  /** The post-purchase moment's offer for this order, or null (with the reason) when none is due here. */
  offer: ShownOffer | null;
  reason?: string;
}

/** POST /api/thank-you/accept: add this offer to the paid order. */
export interface ThankYouAcceptBody extends ThankYouOrderRef {
  offerId: string;
  /** The moment whose offer it is: thank_you, or post_purchase (the wallet fallback above). */
  moment: "thank_you" | "post_purchase";
  /** The price the buyer saw; a different server price refuses (409) instead of charging it. */
  expected: { final: number; currency: string };
  /**
   * What only the page knows, as the block decided with it: its device hint, whether the buyer is
   * returning, the offers declined earlier in the journey. They only choose among the merchant's
   * published offers; the price is always the server's engine's.
   */
  device?: "mobile" | "desktop";
  returning?: boolean;
  declined?: string[];
}

/** 200: the offer is on the order (now, or by an earlier request for the same order and offer). */
export interface ThankYouAccepted {
  status: "added";
  offerId: string;
  /** What the added lines cost on the edited order, minor units. */
  charged: { amount: number; currency: string };
  /** The order's balance after the edit, minor units: what Shopify's invoice asks the buyer to pay. */
  balance: { amount: number; currency: string };
  /** Whether Shopify was asked to email the invoice for that balance and accepted. */
  invoiceSent: boolean;
}

/** 4xx (and 502/503 when Shopify cannot be reached): why nothing was added. */
export interface ThankYouRefusal {
  error: string;
}

export type ThankYouAcceptAnswer = ThankYouAccepted | ThankYouRefusal;
