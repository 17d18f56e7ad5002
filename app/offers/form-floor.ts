/**
 * The price floor (decision 032): an offer that charges nothing, or less than the shop's floor (a
 * share of the items' catalog price), must be marked "This is a free gift" by the merchant. A typo
 * ("100" for "10", an amount off in the wrong currency) otherwise publishes a giveaway.
 */
import { formatMinor, type Offer } from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";
import type { OfferForm } from "./form-model";
import type { Report } from "./form-rules";
import { typedAmountToMinor } from "./money";

/** The floor a shop has until its merchant sets one (Settings): no offer below 10% of the price. */
export const DEFAULT_PRICE_FLOOR_PERCENT = 10;
/** The floor is a whole percentage from 0 (only a zero price needs the choice) to 99. */
export const MAX_PRICE_FLOOR_PERCENT = 99;

type Item = Offer["items"][number];

/**
 * Whether charging `price` for items listed at `total` (same currency, minor units) needs the
 * free-gift choice: nothing charged, or less than `floorPercent` of the total. BigInt, because
 * 64-bit minor units times 100 leave the safe integers.
 */
export function belowFloor(price: number, total: number, floorPercent: number): boolean {
  if (total <= 0) return false;
  if (price <= 0) return true;
  return BigInt(price) * 100n < BigInt(floorPercent) * BigInt(total);
}

/** The least an offer may charge for items listed at `total` without the choice (rounded up). */
export function floorPrice(total: number, floorPercent: number): number {
  const t = BigInt(total) * BigInt(floorPercent);
  return Number((t + 99n) / 100n);
}

function percentOff(s: string): number | null {
  const t = s.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 100 ? n : null;
}

/**
 * Reports, on the discount's own field, every price the offer would charge below the floor while
 * the form is not marked a free gift: the percent off, each currency's amount off or bundle price
 * (against the items' price in that currency, as the "above the price" rule does) and each
 * experiment variant's percent off. Malformed values are the discount rule's to report.
 */
export function priceFloor(
  form: OfferForm,
  offered: readonly Item[],
  floorPercent: number,
  err: Report,
  t: AdminT = englishT,
): void {
  if (form.freeGift) return;
  const floor = Math.min(Math.max(Math.trunc(floorPercent), 0), MAX_PRICE_FLOOR_PERCENT);
  const percentMessage = (p: number) =>
    p >= 100 ? t("rules.freeNeedsGift") : t("rules.percentBelowFloor", { percent: p, floor });
  const d = form.discount;
  if (d.kind === "percent") {
    const p = percentOff(d.percent);
    if (p !== null && belowFloor(100 - p, 100, floor)) err("discount.percent", percentMessage(p));
  }
  // A warranty priced as a percentage has no list total to compare (as in the discount rule).
  if ((d.kind === "fixed" || d.kind === "bundle_price") && !(d.kind === "fixed" && form.pricingPercent.trim())) {
    for (const [c, minor] of Object.entries(typedAmounts(d.amounts))) {
      const total = offered.reduce((s, it) => s + (it.prices[c] ?? 0) * it.quantity, 0);
      const price = d.kind === "fixed" ? total - minor : minor;
      // At or above the price is the discount rule's refusal ("would give them away").
      if (total <= 0 || minor >= total) continue;
      if (!belowFloor(price, total, floor)) continue;
      const money = (m: number) => `${formatMinor(m, c)} ${c}`;
      err(
        `discount.amounts.${c}`,
        price <= 0
          ? t("rules.freeNeedsGift")
          : t("rules.amountBelowFloor", {
              price: money(price),
              min: money(floorPrice(total, floor)),
              floor,
              total: money(total),
            }),
      );
    }
  }
  if (!form.experiment.enabled) return;
  form.experiment.variants.forEach((v, i) => {
    const p = percentOff(v.discountPercent);
    if (p !== null && belowFloor(100 - p, 100, floor))
      err(`experiment.variants.${i}.discountPercent`, percentMessage(p));
  });
}

/** The typed amounts that are amounts (the discount rule reports the others). */
function typedAmounts(amounts: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [c, raw] of Object.entries(amounts)) {
    const minor = typedAmountToMinor(raw, c);
    if (minor !== null) out[c] = minor;
  }
  return out;
}
