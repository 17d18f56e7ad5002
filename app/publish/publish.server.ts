import type { PrismaClient, Shop } from "@prisma/client";
import {
  CURRENCY_DISPLAYS,
  decodePayload,
  encodePayload,
  OfferSchema,
  type MomentId,
  type Offer,
  type Payload,
  type Settings,
} from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { inputVariables } from "../../extensions/discount-function/src/variables";

/** The app-owned shop metafield every extension reads (namespace `$app`, type json). */
export const PAYLOAD_METAFIELD_KEY = "offers";
/** Shopify's limit for a JSON metafield value is 128 KB; refuse before Shopify does. */
export const METAFIELD_LIMIT_BYTES = 128 * 1024;

/** An offer row's `definition` (the engine's model) with the row's lifecycle columns applied. */
export function offerFromRow(row: { id: string; status: string; definition: string }): Offer | null {
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch {
    return null;
  }
  const parsed = OfferSchema.safeParse({ ...(json as object), id: row.id, status: row.status });
  return parsed.success ? parsed.data : null;
}

export async function shopSettings(prisma: PrismaClient, shopId: string): Promise<Settings> {
  const [settings, moments] = await Promise.all([
    prisma.shopSettings.findUnique({ where: { shopId } }),
    prisma.momentSetting.findMany({ where: { shopId } }),
  ]);
  const display = CURRENCY_DISPLAYS.find((d) => d === settings?.currencyDisplay);
  const momentLimits: Partial<Record<MomentId, number>> = {};
  for (const m of moments) momentLimits[m.moment as MomentId] = m.enabled ? m.maxOffers : 0;
  return {
    journeyCap: settings?.journeyCap ?? 3,
    momentLimits,
    defaultLocale: settings?.defaultLocale ?? "en",
    // Defaults are left out: every byte of the payload is read at checkout.
    ...(display && display !== "symbol" ? { currencyDisplay: display } : {}),
    ...(settings?.declineBehaviour === "journey" ? { afterDecline: "journey" as const } : {}),
  };
}

/** Encodes the shop's live offers and settings as the extensions will read them. */
export async function buildPayload(prisma: PrismaClient, shopId: string, now: Date): Promise<{ json: string; offers: number }> {
  const rows = await prisma.offer.findMany({
    where: { shopId, status: "active" },
    orderBy: [{ priority: "desc" }, { id: "asc" }],
  });
  const offers = rows.map(offerFromRow).filter((o): o is Offer => o !== null);
  const json = encodePayload(offers, await shopSettings(prisma, shopId), now.getTime());
  return { json, offers: offers.length };
}

export type PublishOutcome = { ok: true; publishedAt: Date; bytes: number } | { ok: false; error: string };

/**
 * Publishes the shop's payload through its gateway (Admin API metafield in real mode, the demo
 * store in demo mode) and records the outcome on the shop, in plain words for the admin.
 */
export async function publishShop(prisma: PrismaClient, shop: Shop, gateway: ShopGateway, now = new Date()): Promise<PublishOutcome> {
  const { json, offers } = await buildPayload(prisma, shop.id, now);
  const bytes = Buffer.byteLength(json, "utf8");
  let outcome: PublishOutcome;
  if (bytes > METAFIELD_LIMIT_BYTES) {
    outcome = { ok: false, error: `The offers take ${Math.ceil(bytes / 1024)} KB, over Shopify's 128 KB limit. Pause or archive some offers.` };
  } else {
    try {
      const { publishedAt } = await gateway.publishMetafield(PAYLOAD_METAFIELD_KEY, json);
      await prisma.publication.upsert({
        where: { shopId: shop.id },
        create: { shopId: shop.id, payload: json, bytes, offerCount: offers, publishedAt },
        update: { payload: json, bytes, offerCount: offers, publishedAt },
      });
      outcome = { ok: true, publishedAt, bytes };
      // The payload is live either way; without the discount (or its tags and collections),
      // accepted offers would be charged full price, so the merchant is told in the same words as
      // any publishing error. The variables come from the payload as encoded: exactly the offers
      // the function will read.
      const decoded = decodePayload(json);
      const functionInput = decoded.ok ? inputVariables(decoded.payload) : { tags: [], collections: [] };
      await gateway.ensureOfferDiscount?.(functionInput).catch(async (error: unknown) => {
        await prisma.shop.update({ where: { id: shop.id }, data: { publishedAt } });
        outcome = { ok: false, error: `Offers are published, but ${error instanceof Error ? error.message : "the offer discount could not be checked."}` };
      });
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error.message : "Publishing failed for an unknown reason." };
    }
  }
  await prisma.shop.update({
    where: { id: shop.id },
    data: outcome.ok ? { publishedAt: outcome.publishedAt, publishError: null } : { publishError: outcome.error },
  });
  return outcome;
}

/** The payload as last published (what the extensions currently read), decoded and validated. */
export async function getPublishedPayload(prisma: PrismaClient, shopId: string): Promise<Payload | null> {
  const row = await prisma.publication.findUnique({ where: { shopId } });
  if (!row) return null;
  const decoded = decodePayload(row.payload);
  return decoded.ok ? decoded.payload : null;
}
