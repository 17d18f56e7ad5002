import { z } from "zod";
import { sizedImage } from "~/lib/images";
import {
  ATTR,
  decide,
  exponent,
  exposureEventFields,
  MOMENT_IDS,
  prepare,
  type CartLine,
  type Exposure,
  type MomentId,
  type Payload,
} from "@moments/engine";
import type { CartTuple, WireOffer, WireResponse } from "../../packages/storefront/src/wire";
import { STOREFRONT_MOMENTS } from "@moments/contracts";
import { formatMoney } from "~/lib/money";
import { withLineFacts, type LineFacts } from "~/catalog/line-facts.server";

const list = (max: number) =>
  z
    .string()
    .max(4000)
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
        .slice(0, max),
    );

const numericId = z.number().int().positive().max(1e15);
const cartTuple = z.tuple([
  numericId,
  numericId,
  z.number().int().min(1).max(1e6),
  z.number().int().min(0).max(1e13),
  z.string().max(255).optional(),
  z.string().max(64).optional(),
  z.array(z.string().max(255)).max(250).optional(),
  z.array(numericId).max(250).optional(),
  numericId.optional(),
]);

const cartJson = z
  .string()
  .max(12_000)
  .default("[]")
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "c is not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.array(cartTuple).max(100));

/** The storefront's query (see packages/storefront/src/wire.ts); Shopify's own params are ignored. */
export const StorefrontQuery = z.object({
  moment: z.enum(STOREFRONT_MOMENTS),
  jk: z.string().min(1).max(128),
  cur: z.string().regex(/^[A-Z]{3}$/),
  loc: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,4})?$/)
    .optional()
    .catch(undefined),
  dev: z.enum(["mobile", "desktop"]).optional().catch(undefined),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional()
    .catch(undefined),
  ret: z.string().optional(),
  ctags: list(100),
  c: cartJson,
  seen: list(50),
  dec: list(50),
});
export type StorefrontQuery = z.output<typeof StorefrontQuery>;

/** "gid://shopify/ProductVariant/123" -> 123; the Cart AJAX API takes numeric ids. */
export const numericFromGid = (gid: string): number => Number(gid.slice(gid.lastIndexOf("/") + 1));

/** The Cart AJAX API gives hundredths of the currency whatever its minor unit (JPY 1000 -> 100000). */
const centsToMinor = (cents: number, currency: string) => {
  const e = exponent(currency);
  return e === 2 ? cents : e < 2 ? Math.round(cents / 10 ** (2 - e)) : cents * 10 ** (e - 2);
};

const toLine = (
  [product, variant, quantity, cents, vendor, offer, tags, collections, plan]: CartTuple,
  currency: string,
): CartLine => {
  const line: CartLine = {
    productId: `gid://shopify/Product/${product}`,
    variantId: `gid://shopify/ProductVariant/${variant}`,
    quantity,
    unitPrice: centsToMinor(cents, currency),
  };
  if (vendor) line.vendor = vendor;
  if (tags?.length) line.tags = tags;
  if (collections?.length) line.collectionIds = collections.map((c) => `gid://shopify/Collection/${c}`);
  if (offer) line.attributes = { [ATTR.offer]: offer };
  if (plan) line.sellingPlanId = `gid://shopify/SellingPlan/${plan}`;
  return line;
};

/**
 * Products of the cart whose tags and collections the script did not send (Liquid knows them
 * only for products rendered on the page): the ones the server looks up.
 */
export function productsWithoutFacts(q: StorefrontQuery): string[] {
  // Lines an offer added never trigger offers (the engine skips them), so they need no facts.
  const ids = q.c.filter((t) => !t[5] && !t[6]?.length && !t[7]?.length).map((t) => `gid://shopify/Product/${t[0]}`);
  return [...new Set(ids)];
}

/** The proxy's decision: what the script renders, and the exposures the proxy logs where it decided. */
export type StorefrontDecision = WireResponse & { exposures: Exposure[] };

/**
 * Runs the engine for one storefront moment and shapes its decision for the storefront script.
 * The storefront has one placement per moment (the cart block, the popup): it renders place 1,
 * which is empty when that place is held out. `facts`: product tags and collections looked up on
 * the server (lines the script described win).
 */
export function decideStorefront(
  payload: Payload,
  q: StorefrontQuery,
  now: number,
  facts?: LineFacts,
): StorefrontDecision {
  const given = q.c.map((t) => toLine(t as CartTuple, q.cur));
  const lines = facts ? withLineFacts(given, facts) : given;
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const shown = q.seen.flatMap((s) => {
    const [offerId, moment] = s.split("@");
    return offerId && MOMENT_IDS.includes(moment as MomentId) ? [{ offerId, moment: moment as MomentId }] : [];
  });
  const decision = decide({
    now,
    moments: [q.moment],
    buyerKey: q.jk,
    cart: { lines, subtotal, currency: q.cur },
    country: q.country,
    locale: q.loc,
    device: q.dev,
    buyer: { returning: q.ret === "1", tags: q.ctags },
    journey: { shown, declined: q.dec },
    payload,
  });
  const m = decision.moments[0]!;
  const byId = prepare(payload).byId;
  const locale = q.loc ?? payload.settings.defaultLocale;
  const offers = m.offers
    .filter((s) => s.slot === 1)
    .map((s): WireOffer => {
      const o: WireOffer = {
        id: s.offerId,
        title: s.copy.title,
        price: formatMoney(s.price.final, s.price.currency, locale, payload.settings.currencyDisplay),
        value: s.price.final,
        cur: s.price.currency,
        lines: s.lines.map((l) => {
          const line = {
            id: numericFromGid(l.variantId),
            q: l.quantity,
            p: { ...l.attributes },
          } as WireOffer["lines"][number];
          if (l.replacesVariantId) line.r = numericFromGid(l.replacesVariantId);
          if (l.sellingPlanId) line.s = numericFromGid(l.sellingPlanId);
          return line;
        }),
      };
      if (s.experimentId) o.exp = s.experimentId;
      if (s.armId) o.arm = s.armId;
      if (s.design) o.design = s.design;
      // The widest slot is the banner's (the dialog's 26rem), at twice its width for dense screens.
      if (s.image) o.image = sizedImage(s.image, 832);
      if (s.copy.body) o.body = s.copy.body;
      if (s.copy.cta) o.cta = s.copy.cta;
      if (s.copy.decline) o.decline = s.copy.decline;
      if (s.downsellOf) o.after = s.downsellOf;
      if (s.price.savings > 0)
        o.was = formatMoney(s.price.original, s.price.currency, locale, payload.settings.currencyDisplay);
      const ends = byId.get(s.offerId)?.o.endsAt;
      if (ends !== undefined) o.ends = ends;
      return o;
    });
  const out: StorefrontDecision = { moment: q.moment, offers, exposures: m.exposures };
  // The arms the cart carries into the checkout (decision 035), hold-out included.
  if (m.exposures.length) out.arms = m.exposures.map((x) => `${x.experimentId}:${x.version}:${x.arm}`);
  return out;
}

/**
 * The storefront's exposure events, logged by the proxy itself at the point of decision (one code
 * path, no round trip through the browser): journey key `jk`, the engine's buyer key.
 */
export function storefrontExposureEvents(exposures: readonly Exposure[], q: StorefrontQuery, now: number) {
  return exposures.map((x) =>
    // The segment the engine decided with (a guest is a first-time buyer), so segment figures add up.
    Object.assign(exposureEventFields(x, q.jk), {
      surface: "storefront" as const,
      device: q.dev,
      country: q.country,
      returning: q.ret === "1",
      occurredAt: now,
    }),
  );
}
