import { encodePayload, offerToken, type Offer, type Settings } from "@moments/engine";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { DEMO_OFFERS } from "~/demo/demo-offers";
import { formatMinor } from "@moments/engine";
import type { InputLine, RunInput } from "../../src/types";

export const PUBLISHED_AT = Date.UTC(2026, 10, 20, 8);
export const TODAY = "2026-11-24";
export const settings: Settings = { journeyCap: 3, defaultLocale: "en" };
export const demoOffers: Offer[] = DEMO_OFFERS.map(({ name: _name, ...o }) => o);

export interface LineSpec {
  product: string;
  variant?: string;
  quantity?: number;
  /** Unit price override (minor units), e.g. a merchant price change after publishing. */
  unit?: number;
  offer?: { id: string; moment: string; arm?: string; publishedAt?: number };
  /** Raw attribute overrides (forgeries). */
  attrs?: Partial<Record<"offer" | "arm" | "moment" | "token", string>>;
  sellingPlanId?: string;
}

let n = 0;
export function inputLine(spec: LineSpec, currency: "EUR" | "USD"): InputLine {
  const pi = DEMO_CATALOG.findIndex((p) => p.key === spec.product);
  const vKey = spec.variant ?? spec.product;
  const vi = DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === vKey);
  const v = DEMO_CATALOG[pi]!.variants[vi]!;
  const unit = spec.unit ?? (currency === "EUR" ? v.eur : v.usd);
  const q = spec.quantity ?? 1;
  const money = (minor: number) => ({ amount: formatMinor(minor, currency), currencyCode: currency });
  const a: Record<string, string | undefined> = {};
  if (spec.offer) {
    a.offer = spec.offer.id;
    a.arm = spec.offer.arm;
    a.moment = spec.offer.moment;
    a.token = offerToken(spec.offer.id, spec.offer.arm, spec.offer.moment, spec.offer.publishedAt ?? PUBLISHED_AT);
  }
  Object.assign(a, spec.attrs);
  const attr = (x: string | undefined) => (x === undefined ? null : { value: x });
  return {
    id: `gid://shopify/CartLine/${++n}`,
    quantity: q,
    cost: { amountPerQuantity: money(unit), subtotalAmount: money(unit * q) },
    offer: attr(a.offer),
    arm: attr(a.arm),
    moment: attr(a.moment),
    token: attr(a.token),
    sellingPlanAllocation: spec.sellingPlanId ? { sellingPlan: { id: spec.sellingPlanId } } : null,
    merchandise: {
      __typename: "ProductVariant",
      id: demoVariantGid(pi, vi),
      product: { id: demoProductGid(pi), vendor: DEMO_CATALOG[pi]!.vendor, productType: DEMO_CATALOG[pi]!.productType },
    },
  };
}

export function runInput(
  lines: LineSpec[],
  opts: {
    currency?: "EUR" | "USD";
    offers?: Offer[];
    payload?: string | null;
    date?: string;
    classes?: RunInput["discount"]["discountClasses"];
  } = {},
): RunInput {
  const currency = opts.currency ?? "EUR";
  const ls = lines.map((l) => inputLine(l, currency));
  const subtotal = ls.reduce((s, l) => s + Number(l.cost.subtotalAmount.amount.replace(".", "")), 0);
  const payload =
    opts.payload === undefined ? encodePayload(opts.offers ?? demoOffers, settings, PUBLISHED_AT) : opts.payload;
  return {
    cart: { cost: { subtotalAmount: { amount: formatMinor(subtotal, currency), currencyCode: currency } }, lines: ls },
    discount: { discountClasses: opts.classes ?? ["PRODUCT"] },
    shop: { localTime: { date: opts.date ?? TODAY }, offers: payload === null ? null : { value: payload } },
  };
}
