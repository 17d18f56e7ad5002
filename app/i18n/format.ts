/**
 * Numbers, money and dates in the admin's locale (the merchant's Shopify admin locale, e.g. "de-CH"),
 * with Intl: one set of formatters for every page, so the same figure reads the same everywhere.
 */
import type { CurrencyDisplay } from "@moments/engine";
import { formatMoney } from "~/lib/money";

export interface Formatters {
  /** Integer minor units -> "31,20 €" (never through a float). */
  money(minor: number, currency: string, display?: CurrencyDisplay): string;
  /** 12345 -> "12.345". */
  number(n: number): string;
  /**
   * A figure with exactly `digits` decimals: -28.61 -> "-28,6"; `signed` shows "+" on a positive one
   * (differences in points). Not finite -> "∞" / "-∞" (an interval without a bound).
   */
  decimal(n: number, digits?: number, signed?: boolean): string;
  /** A p-value or alpha: two significant digits, 0.0042 -> "0,0042". */
  significant(n: number, digits?: number): string;
  /** 0.1234 -> "12,3 %" (a share, not a percentage); null -> "–". */
  percent(share: number | null | undefined, digits?: number): string;
  /** An instant in UTC: "2. Dez. 2026, 14:05 UTC". */
  dateTime(iso: string | Date): string;
  /** A UTC calendar day ("2026-12-02") or an instant: "2. Dez. 2026". */
  date(isoOrDay: string | Date): string;
}

export function formatters(intl: string): Formatters {
  const numbers = new Intl.NumberFormat(intl);
  const dateTimes = new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  const dates = new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeZone: "UTC" });
  return {
    money: (minor, currency, display) => formatMoney(minor, currency, intl, display),
    number: (n) => numbers.format(n),
    decimal: (n, digits = 1, signed = false) =>
      Number.isFinite(n)
        ? new Intl.NumberFormat(intl, {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
            signDisplay: signed ? "exceptZero" : "auto",
          }).format(n)
        : n < 0
          ? "-∞"
          : "∞",
    significant: (n, digits = 2) =>
      Number.isFinite(n) ? new Intl.NumberFormat(intl, { maximumSignificantDigits: digits }).format(n) : "–",
    percent: (share, digits = 1) =>
      share === null || share === undefined || !Number.isFinite(share)
        ? "–"
        : new Intl.NumberFormat(intl, {
            style: "percent",
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          }).format(share),
    dateTime: (iso) => `${dateTimes.format(new Date(iso))} UTC`,
    date: (isoOrDay) => dates.format(new Date(isoOrDay)),
  };
}
