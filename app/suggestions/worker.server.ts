/**
 * The suggestions schedule (decision 029), in the style of the retention purge (decision 016):
 * inside every app instance, a timer looks for the shops due (`shopsDue`: asked for, exporting,
 * finished more than a day ago, never mined) and steps each run; the claim on the run's row makes
 * one instance step a shop at a time. A real shop's export is polled at each tick until Shopify
 * completes it. Timers are unref()ed; errors are logged, never thrown.
 */
import { repeatInBackground, type Repeating, type JobSchedule } from "~/lib/repeat.server";
import type { PrismaClient } from "@prisma/client";
import { gatewayForShop, SHOP_REF_SELECT } from "~/gateway/for-shop.server";
import type { ShopGateway } from "~/gateway/types";
import { shopsDue, stepMining } from "./mining.server";
import { publishShop } from "~/publish/publish.server";

/** Far enough after start-up not to compete with it. */
export const FIRST_TICK_MS = 60_000;
/** How often the worker looks for due shops (and polls running exports). */
export const TICK_MS = 60_000;

export type SuggestionsWorker = Repeating;

type Resolve = (shop: { id: string; domain: string; currency: string; isDemo: boolean }) => Promise<ShopGateway>;

/** One pass: every due shop stepped once. Answers how many runs were stepped. */
export async function runDueMining(
  prisma: PrismaClient,
  now: Date,
  opts: { gatewayFor?: Resolve; log?: (line: string) => void } = {},
): Promise<number> {
  const gatewayFor: Resolve = opts.gatewayFor ?? ((shop) => gatewayForShop(prisma, shop));
  let stepped = 0;
  for (const shopId of await shopsDue(prisma, now)) {
    const shop = await prisma.shop.findUnique({ where: { id: shopId }, select: { ...SHOP_REF_SELECT, scopes: true } });
    if (!shop) continue;
    try {
      const gateway = await gatewayFor(shop);
      const run = await stepMining(prisma, shop, gateway, now);
      stepped++;
      if (run.status === "failed") opts.log?.(`suggestions: shop ${shopId} failed: ${run.lastError ?? ""}`);
      // Dynamic offers choose from the complements just mined once they are published (decision 034).
      if (
        run.status === "done" &&
        run.finishedAt?.getTime() === now.getTime() &&
        (await hasLiveDynamicOffer(prisma, shopId))
      ) {
        const outcome = await publishShop(
          prisma,
          await prisma.shop.findUniqueOrThrow({ where: { id: shopId } }),
          gateway,
          now,
        );
        if (!outcome.ok) opts.log?.(`suggestions: shop ${shopId} republish failed: ${outcome.error}`);
      }
    } catch (error) {
      // The store could not be reached (no offline session, say): recorded as the run's failure,
      // so the shop is tried again tomorrow rather than at every tick.
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      opts.log?.(`suggestions: shop ${shopId}: ${lastError}`);
      await prisma.suggestionRun.upsert({
        where: { shopId },
        create: { shopId, status: "failed", finishedAt: now, lastError },
        update: { status: "failed", finishedAt: now, lastError, claimedUntil: null },
      });
    }
  }
  return stepped;
}

/** A live offer of the dynamic type (its type is in the stored definition). */
async function hasLiveDynamicOffer(prisma: PrismaClient, shopId: string): Promise<boolean> {
  const rows = await prisma.offer.findMany({ where: { shopId, status: "active" }, select: { definition: true } });
  return rows.some((r) => {
    try {
      return (JSON.parse(r.definition) as { type?: unknown }).type === "dynamic";
    } catch {
      return false;
    }
  });
}

export function scheduleSuggestions(opts: JobSchedule & { gatewayFor?: Resolve }): SuggestionsWorker {
  const log = opts.log ?? ((line: string) => console.log(line));
  return repeatInBackground(
    "suggestions",
    async () => {
      await runDueMining(opts.prisma, opts.now?.() ?? new Date(), { gatewayFor: opts.gatewayFor, log });
    },
    { firstRunMs: opts.firstRunMs ?? FIRST_TICK_MS, everyMs: opts.everyMs ?? TICK_MS, log },
  );
}

let running: SuggestionsWorker | undefined;

/** Starts the schedule inside the app process (called once from startup()). */
export async function startSuggestionsWorker(): Promise<SuggestionsWorker> {
  if (running) return running;
  const { db } = await import("~/db.server");
  running = scheduleSuggestions({ prisma: db() });
  return running;
}
