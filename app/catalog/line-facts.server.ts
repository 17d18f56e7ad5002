import type { PrismaClient } from "@prisma/client";
import type { CartLine, Payload } from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import type { ProductReadSizes } from "~/gateway/product-reads";
import { gatewayForShop, SHOP_REF_SELECT, type ShopRef } from "~/gateway/for-shop.server";

/**
 * Product tags and collections for the surfaces the server decides (storefront proxy,
 * post-purchase, follow-up email): their line data carries product and variant ids only, while
 * offers may be triggered by `targeting.tags` / `targeting.collections`.
 *
 * The facts come from the shop's gateway (Admin API or the demo store), cached per shop+product
 * for a few minutes so a busy storefront does not call Shopify per request, and bounded by a hard
 * timeout: past it the lines carry no tags and an offer that needs them is simply not shown.
 * Never an error, never a slow storefront.
 */
export interface ProductFacts {
  tags: readonly string[];
  collectionIds: readonly string[];
}
export type LineFacts = ReadonlyMap<string, ProductFacts>;

export const LINE_FACTS_TTL_MS = 5 * 60_000;
export const LINE_FACTS_TIMEOUT_MS = 800;
export const LINE_FACTS_MAX_ENTRIES = 5_000;
/** After a timeout, a shop's uncached products are not waited for again for this long. */
export const LINE_FACTS_COOL_OFF_MS = 30_000;
/** Products asked of the gateway at once (which splits them by query cost). */
const BATCH = 100;
/** Line facts are a product's tags and collections: one variant read, no plans (59 points a product). */
export const LINE_FACTS_READ: ProductReadSizes = { variants: 1, collections: true, plans: false };

const EMPTY: LineFacts = new Map();

/** Does any published offer trigger on tags or collections? Only then are facts worth a lookup. */
export function needsLineFacts(payload: Payload | null | undefined): boolean {
  if (!payload) return false;
  for (const o of payload.offers) if (o.targeting?.tags?.length || o.targeting?.collections?.length) return true;
  return false;
}

/**
 * Collection ids as the engine's offers hold them (GIDs, the storefront's numeric ids turned into
 * GIDs). A gateway may answer GIDs, numeric ids or handles; handles pass through unchanged.
 */
const collectionId = (c: string) => (/^\d+$/.test(c) ? `gid://shopify/Collection/${c}` : c);

interface Entry {
  facts: ProductFacts;
  expiresAt: number;
}

/** Insertion-ordered map as a small LRU: a hit moves the entry to the end, the oldest go first. */
const cache = new Map<string, Entry>();
const inFlight = new Map<string, Promise<void>>();
/** Shop -> epoch ms until which its Admin API is presumed stuck (one timeout, not one per request). */
const coolingOff = new Map<string, number>();
const cacheKey = (shopKey: string, productId: string) => `${shopKey}\u0000${productId}`;

function remember(key: string, facts: ProductFacts, now: number, ttlMs: number, maxEntries: number) {
  cache.delete(key);
  cache.set(key, { facts, expiresAt: now + ttlMs });
  while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
}

/** For tests: forget everything (the cache is per process). */
export function resetLineFactsCache(): void {
  cache.clear();
  inFlight.clear();
  coolingOff.clear();
}

export interface LineFactsOptions {
  timeoutMs?: number;
  ttlMs?: number;
  maxEntries?: number;
  coolOffMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  log?: (line: string) => void;
}

export type GatewaySource = ShopGateway | (() => Promise<ShopGateway>);

/**
 * Tags and collection ids of `productIds` in the shop `shopKey` (its id: the cache is per shop).
 * Cached products answer at once; the others are fetched in one gateway call (the gateway itself
 * is only built then, so a cache hit never loads a session). Whatever has not arrived after
 * `timeoutMs` is left out: those lines carry no facts. A late answer still fills the cache.
 */
export async function lineFactsFor(
  shopKey: string,
  productIds: readonly string[],
  source: GatewaySource,
  opts: LineFactsOptions = {},
): Promise<LineFacts> {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? LINE_FACTS_TTL_MS;
  const maxEntries = opts.maxEntries ?? LINE_FACTS_MAX_ENTRIES;
  const log = opts.log ?? ((line: string) => console.warn(line));
  const ids = [...new Set(productIds.filter(Boolean))];
  const out = new Map<string, ProductFacts>();
  const missing: string[] = [];
  const waiting: Promise<void>[] = [];
  const t = now();
  for (const id of ids) {
    const key = cacheKey(shopKey, id);
    const hit = cache.get(key);
    if (hit && hit.expiresAt > t) {
      cache.delete(key);
      cache.set(key, hit);
      out.set(id, hit.facts);
      continue;
    }
    const pending = inFlight.get(key);
    if (pending) waiting.push(pending);
    else missing.push(id);
  }
  if (waiting.length === 0 && missing.length === 0) return out;
  // A shop whose Admin API just timed out answers at once with what is cached: one slow answer per
  // cool-off period, not one per storefront request. Lookups still running may refill the cache.
  if ((coolingOff.get(shopKey) ?? 0) > t) return out;
  if (missing.length) waiting.push(fetchFacts(shopKey, missing, source, { now, ttlMs, maxEntries, log }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), opts.timeoutMs ?? LINE_FACTS_TIMEOUT_MS);
  });
  const outcome = await Promise.race([Promise.all(waiting).then(() => "done" as const), timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    coolingOff.set(shopKey, now() + (opts.coolOffMs ?? LINE_FACTS_COOL_OFF_MS));
    while (coolingOff.size > 1_000) coolingOff.delete(coolingOff.keys().next().value!);
    log(
      `line facts: no answer for shop ${shopKey} within ${opts.timeoutMs ?? LINE_FACTS_TIMEOUT_MS} ms; lines carry no tags`,
    );
  }
  // Whatever arrived in time (this call's fetch or a concurrent one's) is in the cache now.
  const after = now();
  for (const id of ids) {
    if (out.has(id)) continue;
    const hit = cache.get(cacheKey(shopKey, id));
    if (hit && hit.expiresAt > after) out.set(id, hit.facts);
  }
  return out;
}

function fetchFacts(
  shopKey: string,
  ids: string[],
  source: GatewaySource,
  o: { now: () => number; ttlMs: number; maxEntries: number; log: (line: string) => void },
): Promise<void> {
  const run = (async () => {
    try {
      const gateway = typeof source === "function" ? await source() : source;
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        const products = await gateway.getProducts(batch, LINE_FACTS_READ);
        const t = o.now();
        const found = new Map(products.map((p) => [p.id, p]));
        for (const id of batch) {
          const p = found.get(id);
          // A product the shop does not have (deleted) has no facts; remember that too.
          const facts: ProductFacts = p
            ? { tags: p.tags, collectionIds: p.collections.map(collectionId) }
            : { tags: [], collectionIds: [] };
          remember(cacheKey(shopKey, id), facts, t, o.ttlMs, o.maxEntries);
        }
      }
    } catch (error) {
      // Not cached: the next request tries again. The buyer sees the offers that need no facts.
      o.log(`line facts: lookup failed for shop ${shopKey}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      for (const id of ids) inFlight.delete(cacheKey(shopKey, id));
    }
  })();
  for (const id of ids) inFlight.set(cacheKey(shopKey, id), run);
  return run;
}

/** The lines with their product's tags and collections added (facts the line already carries win). */
export function withLineFacts<L extends CartLine>(lines: readonly L[], facts: LineFacts): L[] {
  if (facts.size === 0) return [...lines];
  return lines.map((l) => {
    const f = facts.get(l.productId);
    if (!f) return l;
    const line = { ...l };
    if (!l.tags?.length && f.tags.length) line.tags = f.tags;
    if (!l.collectionIds?.length && f.collectionIds.length) line.collectionIds = f.collectionIds;
    return line;
  });
}

/**
 * The one call the surfaces make: facts for the products of `lines`, only when the payload has an
 * offer that needs them (otherwise nothing is looked up at all). Never throws.
 */
export async function lineFactsForPayload(
  prisma: PrismaClient,
  shop: ShopRef | string,
  payload: Payload | null | undefined,
  productIds: readonly string[],
  opts: LineFactsOptions & { gateway?: GatewaySource } = {},
): Promise<LineFacts> {
  if (!needsLineFacts(payload) || productIds.length === 0) return EMPTY;
  const shopId = typeof shop === "string" ? shop : shop.id;
  const source: GatewaySource =
    opts.gateway ??
    (async () => {
      const ref =
        typeof shop === "string"
          ? await prisma.shop.findUniqueOrThrow({ where: { id: shop }, select: SHOP_REF_SELECT })
          : shop;
      return gatewayForShop(prisma, ref);
    });
  try {
    return await lineFactsFor(shopId, productIds, source, opts);
  } catch {
    return EMPTY;
  }
}
