/**
 * The completion guardrail's daily run inside the app process (decision 031), scheduled like the
 * retention purge (decision 016): a few minutes after start-up, then every 24 hours, timers
 * unref()ed, errors logged and never thrown. Every instance runs it; the GuardrailEvent row is the
 * claim (unique per experiment version and kind), so two instances never pause or email twice.
 */
import { repeatInBackground, type JobSchedule, type Repeating } from "~/lib/repeat.server";
import type { Shop } from "@prisma/client";
import type { EmailTransport } from "~/email/transport.server";
import { transportFromEnv } from "~/email/worker.server";
import { env } from "~/env.server";
import { gatewayForShop } from "~/gateway/for-shop.server";
import type { ShopGateway } from "~/gateway/types";
import { runCompletionGuardrail } from "./guardrail.server";

export const FIRST_RUN_DELAY_MS = 5 * 60_000;
export const RUN_EVERY_MS = 24 * 3600 * 1000;

export type GuardrailWorker = Repeating;

export function scheduleGuardrail(
  opts: JobSchedule & {
    gatewayFor: (shop: Shop) => Promise<ShopGateway>;
    transport: EmailTransport | null;
    from?: string;
    adminUrl?: string;
  },
): GuardrailWorker {
  const log = opts.log ?? ((line: string) => console.log(line));
  return repeatInBackground(
    "completion guardrail",
    async () => {
      const r = await runCompletionGuardrail(opts.prisma, {
        gatewayFor: opts.gatewayFor,
        transport: opts.transport,
        now: opts.now?.() ?? new Date(),
        from: opts.from,
        adminUrl: opts.adminUrl,
        log,
      });
      for (const e of r.errors) log(`completion guardrail: ${e} (retried at the next run)`);
    },
    { firstRunMs: opts.firstRunMs ?? FIRST_RUN_DELAY_MS, everyMs: opts.everyMs ?? RUN_EVERY_MS, log },
  );
}

let running: GuardrailWorker | undefined;

/** Starts the daily guardrail inside the app process (called once from startup()). */
export async function startGuardrailWorker(): Promise<GuardrailWorker> {
  if (running) return running;
  const { db } = await import("~/db.server");
  const e = env();
  const prisma = db();
  running = scheduleGuardrail({
    prisma,
    gatewayFor: (shop) => gatewayForShop(prisma, shop),
    transport: transportFromEnv(e),
    from: `Moments <no-reply@${new URL(e.SHOPIFY_APP_URL).hostname}>`,
    adminUrl: `${e.SHOPIFY_APP_URL}/app/experiments`,
  });
  return running;
}
