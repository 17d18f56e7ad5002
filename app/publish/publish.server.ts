import type { PrismaClient, Shop } from "@prisma/client";
import {
  CURRENCY_DISPLAYS,
  decodePayload,
  encodePayload,
  OfferSchema,
  type MomentId,
  type Complements,
  type Offer,
  type Payload,
  type Settings,
} from "@moments/engine";
import type { AppMetafieldValue, ShopGateway } from "~/gateway/types";
import { dropLegacyDesigns } from "~/offers/designs";
import { storedDownsell, withoutStrandedDownsells } from "./downsells";
import { withAllocatedWeights } from "~/allocation/epochs.server";
import { buildComplements, COMPLEMENT_READ } from "./complements.server";
import {
  FUNCTION_PAYLOAD_MAX_BYTES,
  functionShards,
  inputVariables,
  NO_SHARD,
  SHARD_KEYS,
  SHARD_METAFIELD_TYPE,
} from "@moments/contracts";

/** The app-owned shop metafield every extension reads (namespace `$app`, type json). */
export const PAYLOAD_METAFIELD_KEY = "offers";
/** Shopify's limit for a JSON metafield value is 128 KB; refuse before Shopify does. */
export const METAFIELD_LIMIT_BYTES = 128 * 1024;

/**
 * An offer row's `definition` (the engine's model) with the row's lifecycle columns applied. A
 * design stored before designs were layouts (free text) is read as the default layout
 * (`dropLegacyDesigns`), so such an offer keeps publishing.
 */
export function offerFromRow(row: { id: string; status: string; definition: string }): Offer | null {
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  // Freshly parsed: ours to change.
  dropLegacyDesigns(json as Record<string, unknown>);
  const parsed = OfferSchema.safeParse({ ...json, id: row.id, status: row.status });
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
    // Thank-you offers are added to the paid order unless the merchant chose a new checkout (decision 026).
    ...(settings?.thankYouAccept === "new_checkout" ? { thankYouAccept: "new_checkout" as const } : {}),
  };
}

/**
 * Encodes the shop's live offers and settings as the extensions will read them, with the
 * complement table when a dynamic offer is live (decision 034; its products' variants, prices and
 * images read through `gateway`). A table that cannot be built is published empty (the dynamic
 * offers show nothing: `no_complement`) and the reason returned as `problem`.
 */
export async function buildPayload(
  prisma: PrismaClient,
  shopId: string,
  now: Date,
  gateway?: Pick<ShopGateway, "getProducts">,
): Promise<{ json: string; offers: number; problem?: string }> {
  // Every offer but the archived: the active ones are published, the others only say which
  // downsells an unpublished offer names (those wait for it: decision 027).
  const rows = await prisma.offer.findMany({
    where: { shopId, status: { not: "archived" } },
    orderBy: [{ priority: "desc" }, { id: "asc" }],
  });
  const active = rows
    .filter((r) => r.status === "active")
    .map(offerFromRow)
    .filter((o): o is Offer => o !== null);
  const links = rows.map((r) => ({ id: r.id, downsell: storedDownsell(r.definition) }));
  // Automatic allocation (decision 030): the variants' weights of the epoch in force.
  const offers = await withAllocatedWeights(
    prisma,
    shopId,
    withoutStrandedDownsells(active, links, now.getTime()),
    now,
  );
  let complements: Complements | undefined;
  let problem: string | undefined;
  if (offers.some((o) => o.type === "dynamic")) {
    try {
      if (!gateway) throw new Error("no catalog to read");
      complements = await buildComplements(prisma, shopId, (ids) => gateway.getProducts(ids, COMPLEMENT_READ));
    } catch (error) {
      problem = `dynamic offers show nothing until the next publish: their products could not be read (${
        error instanceof Error ? error.message : String(error)
      }).`;
    }
  }
  const json = encodePayload(offers, await shopSettings(prisma, shopId), now.getTime(), complements);
  return { json, offers: offers.length, ...(problem ? { problem } : {}) };
}

export type PublishOutcome = { ok: true; publishedAt: Date; bytes: number } | { ok: false; error: string };

const formatBytes = (n: number) => n.toLocaleString("en-US");

/**
 * The Discount Function's shard metafields for this payload (written in the same call as the
 * payload). When the function's payload does not fit in the shards, every shard is written empty:
 * the function then reads no payload and charges full price, rather than pricing from an older
 * publication.
 */
function functionPayloadMetafields(payload: Payload | null): { metafields: AppMetafieldValue[]; problem?: string } {
  const shards = payload ? functionShards(payload) : null;
  const metafields = SHARD_KEYS.map((key, i) => ({
    key,
    type: SHARD_METAFIELD_TYPE,
    value: shards?.values[i] ?? NO_SHARD,
  }));
  if (shards?.ok !== false) return { metafields };
  return {
    metafields,
    problem:
      `offer prices cannot be applied at checkout: the discount that prices accepted offers can read ` +
      `${formatBytes(FUNCTION_PAYLOAD_MAX_BYTES)} bytes of offers, and these take ${formatBytes(shards.bytes)} bytes. ` +
      `Until you pause or archive some offers, accepted offers are charged their full price.`,
  };
}

/**
 * Publishes the shop's payload through its gateway (Admin API metafield in real mode, the demo
 * store in demo mode) and records the outcome on the shop, in plain words for the admin.
 */
export async function publishShop(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  now = new Date(),
): Promise<PublishOutcome> {
  const { json, offers, problem } = await buildPayload(prisma, shop.id, now, gateway);
  const bytes = Buffer.byteLength(json, "utf8");
  let outcome: PublishOutcome;
  let published: Date | null = null;
  if (bytes > METAFIELD_LIMIT_BYTES) {
    outcome = {
      ok: false,
      error: `The offers take ${Math.ceil(bytes / 1024)} KB, over Shopify's 128 KB limit. Pause or archive some offers.`,
    };
  } else {
    try {
      // The payload as encoded: exactly the offers the extensions and the function will read.
      const decoded = decodePayload(json);
      const payload = decoded.ok ? decoded.payload : null;
      const forFunction = functionPayloadMetafields(payload);
      const { publishedAt } = await gateway.publishMetafield(PAYLOAD_METAFIELD_KEY, json, forFunction.metafields);
      published = publishedAt;
      await prisma.publication.upsert({
        where: { shopId: shop.id },
        create: { shopId: shop.id, payload: json, bytes, offerCount: offers, publishedAt },
        update: { payload: json, bytes, offerCount: offers, publishedAt },
      });
      // The payload is live either way; without the function's payload, the discount or its tags
      // and collections, accepted offers would be charged full price, so the merchant is told in
      // the same words as any publishing error.
      const problems = [forFunction.problem, problem].filter((p): p is string => p !== undefined);
      const functionInput = payload ? inputVariables(payload) : { tags: [], collections: [] };
      await gateway.ensureOfferDiscount?.(functionInput).catch((error: unknown) => {
        problems.push(error instanceof Error ? error.message : "the offer discount could not be checked.");
      });
      outcome = problems.length
        ? { ok: false, error: `Offers are published, but ${problems.join(" Also, ")}` }
        : { ok: true, publishedAt, bytes };
    } catch (error) {
      outcome = {
        ok: false,
        error: error instanceof Error ? error.message : "Publishing failed for an unknown reason.",
      };
    }
  }
  await prisma.shop.update({
    where: { id: shop.id },
    data: outcome.ok
      ? { publishedAt: outcome.publishedAt, publishError: null }
      : { publishError: outcome.error, ...(published ? { publishedAt: published } : {}) },
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
