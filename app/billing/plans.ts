/**
 * Moments' plans and the arithmetic of a period's charge (decision 033), pure: money is bigint minor
 * units of one currency, the shop's. Nothing here reaches Shopify or the database.
 */
import { exponent } from "@moments/engine";

export type PlanId = "usage" | "flat";

/** Amounts in major units of each currency billing is offered in (Shopify bills these locally too). */
const MAJOR = { freeTier: 1000, flat: 299, caps: [100, 250, 500, 1000, 2500] } as const;
export const BILLING_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD"] as const;
/** Share of billable incremental revenue the usage plan charges, basis points (5%). */
export const USAGE_SHARE_BPS = 500;
export const TRIAL_DAYS = 14;
export const DEFAULT_CAP_MAJOR = 500;

const major = (amount: number, currency: string): bigint => BigInt(amount) * 10n ** BigInt(exponent(currency));

export function billingOffered(currency: string): boolean {
  return (BILLING_CURRENCIES as readonly string[]).includes(currency);
}

export interface PlanTerms {
  currency: string;
  /** Measured incremental revenue each month that is never charged for, minor units. */
  freeTierMinor: bigint;
  usageShareBps: number;
  flatPriceMinor: bigint;
  /** The caps a merchant can approve for the usage plan, minor units. */
  capChoicesMinor: bigint[];
  trialDays: number;
}

/** The plans in the shop's currency; null where billing is not offered (see billingOffered). */
export function planTerms(currency: string): PlanTerms | null {
  if (!billingOffered(currency)) return null;
  return {
    currency,
    freeTierMinor: major(MAJOR.freeTier, currency),
    usageShareBps: USAGE_SHARE_BPS,
    flatPriceMinor: major(MAJOR.flat, currency),
    capChoicesMinor: MAJOR.caps.map((c) => major(c, currency)),
    trialDays: TRIAL_DAYS,
  };
}

/** The free tier also applies to shops billing is not offered to (nothing is charged there). */
export function freeTierMinor(currency: string): bigint {
  return major(MAJOR.freeTier, currency);
}

/** The Shopify usage terms the merchant approves (shown on Shopify's confirmation page). */
export function usageTerms(terms: PlanTerms, formatted: { freeTier: string }): string {
  return `${terms.usageShareBps / 100}% of the incremental revenue Moments measures against your hold-outs each month (the lower bound of its 95% interval), above the first ${formatted.freeTier}.`;
}

/** UTC calendar month of a date: "2026-11". */
export const periodOf = (d: Date): string => d.toISOString().slice(0, 7);

/** The month before `period`. */
export function previousPeriod(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** First and last UTC day of a period, YYYY-MM-DD. */
export function periodDays(period: string): { first: string; last: string } {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${period}-01`, last };
}

/** The moment a period ends (the next month's first instant, UTC). */
export function periodEnd(period: string): Date {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1));
}

/**
 * The usage record's idempotency key: shop and period only, so every attempt at a period's charge
 * (a rerun, a second instance, a retry after a crash) sends the same key and Shopify creates one
 * record. At most 255 characters (Shopify's limit); shop domains are at most ~60.
 */
export function usageIdempotencyKey(shopDomain: string, period: string): string {
  return `moments:${shopDomain}:${period}:usage`;
}

const max0 = (x: bigint) => (x > 0n ? x : 0n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export interface PeriodFee {
  /** Sum over experiments of max(0, lower bound). */
  billableMinor: bigint;
  /** share x (billable - free tier), rounded down: the fee before the cap. */
  feeMinor: bigint;
  /** The fee within what the cap leaves this billing interval. */
  chargeMinor: bigint;
  capReached: boolean;
}

/**
 * The period's charge: each experiment's lower bound of incremental revenue, never below zero,
 * summed; minus the free tier; times the share; at most what the cap leaves (`capLeftMinor`; null:
 * no cap applies, e.g. the statement of a shop without a plan).
 */
export function periodFee(input: {
  lowerBoundsMinor: readonly bigint[];
  freeTierMinor: bigint;
  shareBps: number;
  capLeftMinor: bigint | null;
}): PeriodFee {
  const billableMinor = input.lowerBoundsMinor.reduce((a, x) => a + max0(x), 0n);
  const feeMinor = (max0(billableMinor - input.freeTierMinor) * BigInt(input.shareBps)) / 10000n;
  const chargeMinor = input.capLeftMinor === null ? feeMinor : min(feeMinor, max0(input.capLeftMinor));
  return { billableMinor, feeMinor, chargeMinor, capReached: chargeMinor < feeMinor };
}

/**
 * The charge split over the experiments in proportion to their billable lower bounds (largest
 * remainder), so the statement's per-offer amounts add up to the charge exactly.
 */
export function allocateCharge(chargeMinor: bigint, billable: readonly bigint[]): bigint[] {
  const weights = billable.map(max0);
  const total = weights.reduce((a, x) => a + x, 0n);
  if (total === 0n || chargeMinor === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (chargeMinor * w) / total);
  let left = chargeMinor - shares.reduce((a, x) => a + x, 0n);
  const order = weights
    .map((w, i) => ({ i, rem: (chargeMinor * w) % total }))
    .sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}
