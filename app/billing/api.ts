/** The slice of Shopify's Billing API Moments uses (decision 033); the gateway's `billing`. */

export interface UsageLine {
  lineItemId: string;
  balanceUsedMinor: bigint;
  cappedAmountMinor: bigint;
  currency: string;
}

export interface ActiveSubscription {
  id: string;
  name: string;
  status: string;
  test: boolean;
  trialDays: number;
  createdAt: Date;
  currentPeriodEnd: Date | null;
  /** The usage line (usage plan); null on a flat plan. */
  usage: UsageLine | null;
  /** The recurring line's price (flat plan), minor units; null on a usage plan. */
  recurringMinor: bigint | null;
}

export interface BillingState {
  /** The currency the shop pays Shopify's bills in (shopBillingPreferences). */
  billingCurrency: string;
  /** A development store: its charges are test charges (Shopify bills none). */
  developmentStore: boolean;
  active: ActiveSubscription[];
}

export interface SubscriptionRequest {
  name: string;
  plan: "usage" | "flat";
  currency: string;
  /** Usage plan: the cap the merchant approves; flat plan: the price per 30 days. Minor units. */
  amountMinor: bigint;
  terms: string;
  trialDays: number;
  test: boolean;
  returnUrl: string;
}

export interface CreatedSubscription {
  /** Shopify's AppSubscription id; null in demo mode. */
  id: string | null;
  status: string;
  usageLineItemId: string | null;
  /** Where the merchant approves or declines; null when nothing is to approve (demo mode). */
  confirmationUrl: string | null;
}

export interface UsageRecordRequest {
  lineItemId: string;
  amountMinor: bigint;
  currency: string;
  description: string;
  idempotencyKey: string;
}

export interface ShopBilling {
  /** false in demo mode: nothing is sent anywhere, charges are simulated. */
  readonly real: boolean;
  state(): Promise<BillingState>;
  /** A subscription's status (PENDING, ACTIVE, DECLINED, ...), or null when Shopify does not know it. */
  subscriptionStatus(id: string): Promise<string | null>;
  createSubscription(request: SubscriptionRequest): Promise<CreatedSubscription>;
  /** Creates the usage record; the same idempotency key answers the record created first. */
  createUsageRecord(request: UsageRecordRequest): Promise<{ id: string }>;
  cancelSubscription(id: string): Promise<{ status: string }>;
}
