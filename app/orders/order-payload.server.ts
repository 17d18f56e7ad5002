import { z } from "zod";
import { decimalToMinor, DecimalFormatError } from "~/lib/decimal";
import { InvalidInput } from "~/lib/errors";
import { MAX_AMOUNT_MINOR } from "~/lib/bigint";

/**
 * orders/create as Moments reads it: Shopify's payload (REST shape, API 2026-07) reduced to what
 * attribution and the follow-up email need. Money in integer minor units; ids as GIDs.
 */
const money = z.object({ amount: z.string(), currency_code: z.string().length(3) });
const moneySet = z.object({ shop_money: money, presentment_money: money });
const nameValue = z.array(z.object({ name: z.string(), value: z.unknown() })).nullish();
const numericId = z.union([z.number(), z.string()]);

export const OrderCreatedPayload = z.object({
  id: numericId,
  admin_graphql_api_id: z.string().optional(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  currency: z.string().length(3),
  presentment_currency: z.string().length(3).nullish(),
  subtotal_price_set: moneySet,
  total_price_set: moneySet,
  customer_locale: z.string().nullish(),
  source_name: z.string().nullish(),
  processed_at: z.string().nullish(),
  created_at: z.string().nullish(),
  buyer_accepts_marketing: z.boolean().nullish(),
  note_attributes: nameValue,
  /** The checkout's token: the journey key post-purchase and the checkout / thank-you extensions fall back on. */
  checkout_token: z.string().nullish(),
  test: z.boolean().nullish(),
  billing_address: z.object({ country_code: z.string().nullish() }).nullish(),
  shipping_address: z.object({ country_code: z.string().nullish() }).nullish(),
  customer: z
    .object({
      id: numericId.nullish(),
      admin_graphql_api_id: z.string().nullish(),
      email: z.string().nullish(),
      first_name: z.string().nullish(),
      tags: z.string().nullish(),
      email_marketing_consent: z.object({ state: z.string().nullish() }).nullish(),
    })
    .nullish(),
  line_items: z.array(
    z.object({
      id: numericId,
      admin_graphql_api_id: z.string().optional(),
      product_id: numericId.nullish(),
      variant_id: numericId.nullish(),
      title: z.string().nullish(),
      vendor: z.string().nullish(),
      quantity: z.number().int(),
      price_set: moneySet,
      total_discount_set: moneySet.nullish(),
      properties: nameValue,
    }),
  ),
});

export interface OrderLine {
  lineId: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  quantity: number;
  /** Unit price in the shop currency, minor units. */
  unitMinor: number;
  /** Discount on the whole line in the shop currency, minor units. */
  discountMinor: number;
  /** Line item properties (cart line attributes), e.g. the `_moments_*` offer attributes. */
  attributes: Record<string, string>;
}

export interface OrderCreated {
  shopifyId: string;
  name: string | null;
  email: string | null;
  customerId: string | null;
  customerFirstName: string | null;
  customerTags: string[];
  locale: string | null;
  country: string | null;
  /** Shop currency: what attribution records revenue in. */
  currency: string;
  presentmentCurrency: string;
  totalMinor: number;
  subtotalMinor: number;
  presentmentTotalMinor: number;
  /** true only with explicit email marketing consent (subscribed), false otherwise. */
  marketingConsent: boolean;
  sourceName: string | null;
  test: boolean;
  processedAt: Date;
  /** The checkout token (null for orders without a checkout, e.g. drafts and POS). */
  checkoutToken?: string | null;
  /** Order (note) attributes, e.g. the journey key the surfaces wrote. */
  attributes: Record<string, string>;
  lines: OrderLine[];
}

const gid = (type: string, id: string | number | null | undefined, given?: string | null) =>
  given ?? (id == null ? null : `gid://shopify/${type}/${id}`);

const toRecord = (pairs: Array<{ name: string; value: unknown }> | null | undefined) =>
  Object.fromEntries((pairs ?? []).map((p) => [p.name, p.value == null ? "" : String(p.value)]));

const badPayload = (reason: string) => new InvalidInput(`Unexpected orders/create payload: ${reason}`);

/**
 * Order amounts are 64-bit columns, computed on as numbers (decision 015): the bound is the event
 * contract's (1e11 minor units), so that sums over any realistic shop stay exact. A larger one is
 * refused with its reason, not a 500.
 */
const MAX_MINOR = MAX_AMOUNT_MINOR;

/**
 * Parses and normalises; a payload of the wrong shape, an amount that is not a plain decimal
 * ("12,50") or out of range, or a date that is not one is a 400 with the reason, not a 500
 * (Shopify retries a 5xx, and the same body would fail the same way each time).
 */
export function parseOrderCreated(payload: unknown): OrderCreated {
  const result = OrderCreatedPayload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidInput(`Unexpected orders/create payload at ${issue.path.join(".")}: ${issue.message}`);
  }
  return normalise(result.data);
}

function minorOf(amount: string, currency: string, path: string): number {
  let minor: number;
  try {
    minor = decimalToMinor(amount, currency);
  } catch (error) {
    if (error instanceof DecimalFormatError) throw badPayload(`${path}: ${error.message}`);
    throw error;
  }
  if (Math.abs(minor) > MAX_MINOR) throw badPayload(`${path}: amount out of range: "${amount}"`);
  return minor;
}

/** Years 1..9999: what both databases store (JavaScript accepts dates PostgreSQL refuses). */
function dateOf(value: string | null | undefined, path: string): Date | null {
  if (value == null) return null;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) throw badPayload(`${path}: not a date: "${value}"`);
  return date;
}

function normalise(o: z.infer<typeof OrderCreatedPayload>): OrderCreated {
  const shopCurrency = o.total_price_set.shop_money.currency_code;
  const presentment = o.total_price_set.presentment_money.currency_code;
  const consentState = o.customer?.email_marketing_consent?.state;
  return {
    shopifyId: gid("Order", o.id, o.admin_graphql_api_id)!,
    name: o.name ?? null,
    email: o.email || o.customer?.email || null,
    customerId: gid("Customer", o.customer?.id, o.customer?.admin_graphql_api_id),
    customerFirstName: o.customer?.first_name ?? null,
    customerTags: (o.customer?.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
    locale: o.customer_locale ?? null,
    country: o.shipping_address?.country_code ?? o.billing_address?.country_code ?? null,
    currency: shopCurrency,
    presentmentCurrency: presentment,
    totalMinor: minorOf(o.total_price_set.shop_money.amount, shopCurrency, "total_price_set.shop_money.amount"),
    subtotalMinor: minorOf(o.subtotal_price_set.shop_money.amount, shopCurrency, "subtotal_price_set.shop_money.amount"),
    presentmentTotalMinor: minorOf(o.total_price_set.presentment_money.amount, presentment, "total_price_set.presentment_money.amount"),
    marketingConsent: consentState ? consentState === "subscribed" : o.buyer_accepts_marketing === true,
    sourceName: o.source_name ?? null,
    test: o.test ?? false,
    processedAt: dateOf(o.processed_at, "processed_at") ?? dateOf(o.created_at, "created_at") ?? new Date(),
    checkoutToken: o.checkout_token?.trim() || null,
    attributes: toRecord(o.note_attributes),
    lines: o.line_items.map((l, i) => ({
      lineId: gid("LineItem", l.id, l.admin_graphql_api_id)!,
      productId: gid("Product", l.product_id),
      variantId: gid("ProductVariant", l.variant_id),
      title: l.title ?? "",
      quantity: l.quantity,
      unitMinor: minorOf(l.price_set.shop_money.amount, shopCurrency, `line_items.${i}.price_set.shop_money.amount`),
      discountMinor: l.total_discount_set ? minorOf(l.total_discount_set.shop_money.amount, shopCurrency, `line_items.${i}.total_discount_set.shop_money.amount`) : 0,
      attributes: toRecord(l.properties),
    })),
  };
}
