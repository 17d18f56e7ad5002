import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { gatewayResolver } from "~/gateway/for-shop.server";
import { dialectOf, runBatch, type DeliveryOptions } from "./outbox.server";
import { emlTransport, smtpTransport, type EmailTransport } from "./transport.server";

export interface EmailWorker {
  /** Resolves when the loop has stopped (after the batch in progress). */
  stop(): Promise<void>;
}

/**
 * The outbox loop: drain due messages batch after batch, then sleep `pollMs`. One per app
 * process; several processes (app instances) may run it against one PostgreSQL database.
 */
export function runEmailLoop(opts: DeliveryOptions & { pollMs?: number; log?: (line: string) => void }): EmailWorker {
  let stopping = false;
  let wake: (() => void) | undefined;
  const log = opts.log ?? ((line: string) => console.log(line));
  const done = (async () => {
    while (!stopping) {
      try {
        const r = await runBatch(opts);
        if (r.retried || r.failed) log(`email outbox: ${r.sent} sent, ${r.retried} to retry, ${r.failed} failed`);
        if (r.claimed === (opts.batchSize ?? 20)) continue; // more may be due: no sleep
      } catch (error) {
        log(`email outbox: batch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollMs ?? 5_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await done;
      opts.transport.close();
    },
  };
}

/** Demo mode writes `.eml` files here unless EMAIL_OUTBOX_DIR says otherwise. */
export const DEFAULT_DEMO_OUTBOX_DIR = "./prisma/demo-outbox";

export function emailOutboxDir(configured: string | undefined): string {
  return path.resolve(configured ?? DEFAULT_DEMO_OUTBOX_DIR);
}

/** SMTP when SMTP_URL is set; otherwise `.eml` files in demo mode; otherwise none (real mode). */
export function transportFromEnv(e: {
  SMTP_URL?: string;
  EMAIL_OUTBOX_DIR?: string;
  MOMENTS_MODE: string;
}): EmailTransport | null {
  if (e.SMTP_URL) return smtpTransport(e.SMTP_URL);
  if (e.MOMENTS_MODE === "demo") return emlTransport(emailOutboxDir(e.EMAIL_OUTBOX_DIR));
  return null;
}

/** Demo mode: the demo shop's pending messages become due now and are written to the demo outbox. */
export async function sendDueNowForDemo(prisma: PrismaClient, shopId: string): Promise<number> {
  const { env } = await import("~/env.server");
  const e = env();
  const now = new Date();
  await prisma.outboxMessage.updateMany({ where: { shopId, status: "pending" }, data: { nextAttemptAt: now } });
  const transport = emlTransport(emailOutboxDir(e.EMAIL_OUTBOX_DIR));
  let sent = 0;
  try {
    for (;;) {
      const r = await runBatch({
        prisma,
        transport,
        gatewayFor: gatewayResolver(prisma),
        appUrl: e.SHOPIFY_APP_URL,
        secret: e.SHOPIFY_API_SECRET,
        workerId: "demo-now",
        shopId,
      });
      sent += r.sent;
      if (r.claimed === 0) break;
    }
  } finally {
    transport.close();
  }
  return sent;
}

let running: EmailWorker | undefined;

/**
 * Starts the outbox worker inside the app process (called once from startup()). EMAIL_WORKER=off
 * leaves it to another process. In real mode without SMTP_URL messages stay pending, and say so.
 */
export async function startEmailWorker(): Promise<EmailWorker | null> {
  if (running) return running;
  const [{ env }, { db }] = await Promise.all([import("~/env.server"), import("~/db.server")]);
  const e = env();
  if (e.EMAIL_WORKER === "off") return null;
  const transport = transportFromEnv(e);
  if (!transport) {
    console.log("Follow-up emails: SMTP_URL is not set, so scheduled messages stay pending until it is.");
    return null;
  }
  const prisma = db();
  running = runEmailLoop({
    prisma,
    transport,
    gatewayFor: gatewayResolver(prisma),
    appUrl: e.SHOPIFY_APP_URL,
    secret: e.SHOPIFY_API_SECRET,
    dialect: dialectOf(e.DATABASE_URL),
    workerId: `${os.hostname()}:${process.pid}`,
  });
  return running;
}
