import { createPrisma } from "~/db.server";
import { dialectOf, runBatch, type DeliveryOptions } from "./outbox.server";
import { smtpTransport } from "./transport.server";
import { gatewayResolver } from "~/gateway/for-shop.server";
import { runEmailLoop } from "./worker.server";

/**
 * The outbox worker as a process of its own (scripts/email-worker.mjs bundles and runs this):
 * what the crash tests kill with SIGKILL and restart, and a way to run delivery apart from the
 * web process (EMAIL_WORKER=off there). Configuration by env:
 *   DATABASE_URL, SMTP_URL, SHOPIFY_APP_URL, SHOPIFY_API_SECRET (required)
 *   EMAIL_BATCH (20), EMAIL_LEASE_MS (300000), EMAIL_POLL_MS (1000), EMAIL_MAX_ATTEMPTS (5)
 *   EMAIL_UNTIL_IDLE=1: exit 0 once no message is due or in flight
 *   EMAIL_CRASH_AFTER_ACCEPT=n: fault injection, SIGKILL itself after the n-th SMTP acceptance,
 *     before recording it (the at-least-once window, docs/email.md)
 * Prints one line per event on stdout: "claimed n", "sent <outboxId>", "idle".
 */
const need = (name: string) => {
  const v = process.env[name];
  if (!v) {
    console.error(`email worker: ${name} is required`);
    process.exit(2);
  }
  return v;
};

const databaseUrl = need("DATABASE_URL");
const prisma = createPrisma(databaseUrl);
const transport = smtpTransport(need("SMTP_URL"));
const crashAfter = Number(process.env.EMAIL_CRASH_AFTER_ACCEPT ?? 0);
let accepted = 0;

const opts: DeliveryOptions = {
  prisma,
  transport,
  gatewayFor: gatewayResolver(prisma),
  appUrl: need("SHOPIFY_APP_URL"),
  secret: need("SHOPIFY_API_SECRET"),
  dialect: dialectOf(databaseUrl),
  workerId: `cli:${process.pid}`,
  batchSize: Number(process.env.EMAIL_BATCH ?? 20),
  leaseMs: Number(process.env.EMAIL_LEASE_MS ?? 300_000),
  maxAttempts: Number(process.env.EMAIL_MAX_ATTEMPTS ?? 5),
  hooks: {
    afterAccept(row) {
      accepted++;
      console.log(`accepted ${row.id}`);
      if (crashAfter && accepted === crashAfter) process.kill(process.pid, "SIGKILL");
    },
  },
};

if (process.env.EMAIL_UNTIL_IDLE === "1") {
  const pollMs = Number(process.env.EMAIL_POLL_MS ?? 200);
  for (;;) {
    const r = await runBatch(opts);
    if (r.claimed) console.log(`claimed ${r.claimed} sent ${r.sent} retried ${r.retried} failed ${r.failed}`);
    const open = await prisma.outboxMessage.count({
      where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: new Date() } },
    });
    if (r.claimed === 0 && open === 0) break;
    if (r.claimed === 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  console.log("idle");
  transport.close();
  await prisma.$disconnect();
  process.exit(0);
} else {
  const worker = runEmailLoop({ ...opts, pollMs: Number(process.env.EMAIL_POLL_MS ?? 1000) });
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log("email worker started");
}
