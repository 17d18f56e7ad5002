/**
 * The billing period job inside the app process (decision 033), on the background repeater like
 * the guardrail: ten minutes after start-up, then every 24 hours. Every instance runs it; the
 * BillingPeriod row (unique per shop and period) is the claim, so a period is charged once.
 */
import type { Shop } from "@prisma/client";
import { repeatInBackground, type Repeating, type JobSchedule } from "~/lib/repeat.server";
import { gatewayForShop } from "~/gateway/for-shop.server";
import type { ShopGateway } from "~/gateway/types";
import { runBillingPeriods } from "./charge.server";

export const FIRST_RUN_DELAY_MS = 10 * 60_000;
export const RUN_EVERY_MS = 24 * 3600 * 1000;

export function scheduleBilling(opts: JobSchedule & { gatewayFor: (shop: Shop) => Promise<ShopGateway> }): Repeating {
  const log = opts.log ?? ((line: string) => console.log(line));
  return repeatInBackground(
    "billing periods",
    async () => {
      const r = await runBillingPeriods(opts.prisma, {
        now: opts.now?.() ?? new Date(),
        gatewayFor: opts.gatewayFor,
        log,
      });
      for (const e of r.errors) log(`billing periods: ${e} (retried at the next run)`);
    },
    { firstRunMs: opts.firstRunMs ?? FIRST_RUN_DELAY_MS, everyMs: opts.everyMs ?? RUN_EVERY_MS, log },
  );
}

let running: Repeating | undefined;

/** Starts the daily billing job (called once from startup()). */
export async function startBillingWorker(): Promise<Repeating> {
  if (running) return running;
  const { db } = await import("~/db.server");
  const prisma = db();
  running = scheduleBilling({ prisma, gatewayFor: (shop) => gatewayForShop(prisma, shop) });
  return running;
}
