import { randomUUID } from "node:crypto";
import type { OutboxMessage, Prisma, PrismaClient } from "@prisma/client";
import { ATTR } from "@moments/engine";
import { empty, execute, sql } from "~/lib/sql.server";
import type { ShopGateway } from "~/gateway/types";
import { renderEmail, type EmailContent } from "./content.server";
import type { EmailTransport } from "./transport.server";
import { emailHash } from "./tokens.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { journeyKeyOf, recordEmailsSent } from "./events.server";
import { postPurchaseShown } from "./fallback.server";
import type { Dialect } from "~/db.server";

/**
 * The follow-up email outbox: rows are claimed in batches with one atomic UPDATE (a lease, so a
 * crashed worker's claims return to the pool), delivered one at a time, and marked sent right
 * after the SMTP server's acceptance. Delivery is at-least-once around that acceptance; the
 * Message-ID is the same on every attempt so a duplicate is detectable. See docs/email.md.
 */
export { dialectOf, type Dialect } from "~/db.server";

/** Retry delays after the 1st, 2nd, ... failed attempt; the last one repeats. */
export const DEFAULT_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface DeliveryOptions {
  prisma: PrismaClient;
  transport: EmailTransport;
  /** Resolves the gateway (discount codes, product details) of a shop. */
  gatewayFor: (shopId: string) => Promise<ShopGateway>;
  appUrl: string;
  secret: string;
  dialect?: Dialect;
  workerId?: string;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoffMs?: number[];
  now?: () => Date;
  /** Only this shop's messages (the demo's "send now"); all shops when absent. */
  shopId?: string;
  /** Fault-injection points for the crash tests (never set in the app). */
  hooks?: { afterAccept?: (row: OutboxMessage) => void | Promise<void> };
}

export interface BatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

const claimable = (now: Date) =>
  sql`(("status" = 'pending' AND "nextAttemptAt" <= ${now}) OR ("status" = 'sending' AND "claimedUntil" < ${now}))`;

/**
 * Claims up to `limit` due messages for `claimToken` in one statement: pending ones whose time
 * has come, and `sending` ones whose lease ran out (their worker died). The outer WHERE repeats
 * the condition so that, on PostgreSQL, a row another worker claimed meanwhile is not taken
 * twice; SKIP LOCKED lets concurrent workers pick different rows instead of waiting.
 */
export async function claimBatch(
  prisma: PrismaClient,
  dialect: Dialect,
  claimToken: string,
  now: Date,
  limit: number,
  leaseMs: number,
  shopId?: string,
): Promise<OutboxMessage[]> {
  const until = new Date(now.getTime() + leaseMs);
  const scope = shopId ? sql`AND "shopId" = ${shopId}` : empty;
  const picked = sql`SELECT "id" FROM "OutboxMessage" WHERE ${claimable(now)} ${scope} ORDER BY "nextAttemptAt" ASC LIMIT ${limit}`;
  // PostgreSQL may re-run an `IN (subquery)` per outer row, so its LIMIT would not bound the
  // claim (it took every due row); ARRAY(...) is evaluated once.
  const target =
    dialect === "postgresql" ? sql`"id" = ANY(ARRAY(${picked} FOR UPDATE SKIP LOCKED))` : sql`"id" IN (${picked})`;
  const count = await execute(
    prisma,
    sql`
    UPDATE "OutboxMessage"
       SET "status" = 'sending', "claimedBy" = ${claimToken}, "claimedUntil" = ${until},
           "attempts" = "attempts" + 1, "updatedAt" = ${now}
     WHERE ${target}
       AND ${claimable(now)}`,
  );
  if (count === 0) return [];
  return prisma.outboxMessage.findMany({
    where: { claimedBy: claimToken, status: "sending" },
    orderBy: { nextAttemptAt: "asc" },
  });
}

/**
 * Renews the lease of one claimed row just before it goes to SMTP, storing its completed content
 * in the same write; false if the lease was lost (another worker has the row now).
 */
async function renewLease(
  prisma: PrismaClient,
  row: OutboxMessage,
  now: Date,
  leaseMs: number,
  data: Prisma.OutboxMessageUpdateManyMutationInput,
): Promise<boolean> {
  const { count } = await prisma.outboxMessage.updateMany({
    where: { id: row.id, claimedBy: row.claimedBy, status: "sending" },
    data: { ...data, claimedUntil: new Date(now.getTime() + leaseMs) },
  });
  return count === 1;
}

const ownedBy = (row: OutboxMessage) => ({ id: row.id, claimedBy: row.claimedBy, status: "sending" });

/** Discount code, checkout link and product details, fetched once (the caller stores them on the row). */
async function completeContent(
  opts: DeliveryOptions,
  row: OutboxMessage,
  content: EmailContent,
  now: Date,
): Promise<EmailContent> {
  if (content.discountCode && content.checkoutUrl && content.product) return content;
  const gateway = await opts.gatewayFor(row.shopId);
  const next = { ...content };
  if (!next.product) {
    const first = content.offer.items[0];
    const products = first ? await gateway.getProducts([first.productId]) : [];
    next.product = { title: products[0]?.title ?? content.offer.title, imageUrl: products[0]?.imageUrl ?? null };
  }
  if (!next.discountCode) {
    // Deterministic from the row: a retry after a crash re-creates the same code, never a second.
    const code = `MOMENTS-${row.id.slice(-10).toUpperCase()}`;
    const validDays = 14;
    const created = await gateway.createDiscountCode({
      code,
      title: `Moments follow-up ${row.orderShopifyId.split("/").pop()}`,
      percentage: Math.max(0.0001, Math.min(1, content.offer.percentOff)),
      variantIds: content.offer.items.map((i) => i.variantId),
      customerId: row.customerId,
      startsAt: now,
      endsAt: new Date(now.getTime() + validDays * 86_400_000),
    });
    next.discountCode = created.code;
  }
  next.checkoutUrl = checkoutUrl(content.shopDomain, content.offer.items, next.discountCode, row);
  return next;
}

/**
 * Shopify cart permalink: `/cart/<variant>:<qty>,...?discount=CODE`, with cart attributes that
 * carry the moment and offer so that the order is attributed like any other moment's.
 */
export function checkoutUrl(
  shopDomain: string,
  items: EmailContent["offer"]["items"],
  code: string | undefined,
  row: Pick<OutboxMessage, "offerId" | "armId" | "customerId" | "recipientHash"> & { content?: string },
): string {
  const path = items.map((i) => `${i.variantId.split("/").pop()}:${i.quantity}`).join(",");
  const q = new URLSearchParams();
  if (code) q.set("discount", code);
  q.set(`attributes[${ATTR.moment}]`, "email");
  q.set(`attributes[${ATTR.offer}]`, row.offerId);
  if (row.armId) q.set(`attributes[${ATTR.arm}]`, row.armId);
  q.set(`attributes[${JOURNEY_ATTRIBUTE}]`, journeyKeyOf(row));
  q.set("ref", "moments-email");
  return `https://${shopDomain}/cart/${path}?${q.toString()}`;
}

async function isUnsubscribed(prisma: PrismaClient, row: OutboxMessage): Promise<boolean> {
  const hit = await prisma.emailUnsubscribe.findFirst({
    where: {
      shopId: row.shopId,
      OR: [{ emailHash: row.recipientHash }, ...(row.customerId ? [{ customerId: row.customerId }] : [])],
    },
    select: { shopId: true },
  });
  return !!hit;
}

export function backoffFor(attempts: number, backoff = DEFAULT_BACKOFF_MS): number {
  return backoff[Math.min(Math.max(attempts, 1), backoff.length) - 1]!;
}

/** Claims one batch and delivers it. Returns what happened, for the loop and the bench. */
export async function runBatch(opts: DeliveryOptions): Promise<BatchResult> {
  const now = (opts.now ?? (() => new Date()))();
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const token = `${opts.workerId ?? "worker"}:${randomUUID()}`;
  const rows = await claimBatch(
    opts.prisma,
    opts.dialect ?? "sqlite",
    token,
    now,
    opts.batchSize ?? 20,
    leaseMs,
    opts.shopId,
  );
  const result: BatchResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, cancelled: 0 };
  const sentRows: OutboxMessage[] = [];
  for (const row of rows) {
    const at = (opts.now ?? (() => new Date()))();
    if (row.attempts > maxAttempts) {
      // Only reachable by rows whose worker died mid-attempt maxAttempts times.
      await opts.prisma.outboxMessage.updateMany({
        where: ownedBy(row),
        data: {
          status: "failed",
          claimedBy: null,
          claimedUntil: null,
          lastError: row.lastError ?? `gave up after ${maxAttempts} attempts (worker lost)`,
        },
      });
      result.failed++;
      continue;
    }
    if (await isUnsubscribed(opts.prisma, row)) {
      await opts.prisma.outboxMessage.updateMany({
        where: ownedBy(row),
        data: { status: "cancelled", claimedBy: null, claimedUntil: null, lastError: "unsubscribed" },
      });
      result.cancelled++;
      continue;
    }
    let changed: Prisma.OutboxMessageUpdateManyMutationInput = {};
    try {
      const stored = JSON.parse(row.content) as EmailContent;
      // The post-purchase offer carried as a fallback goes only if neither page showed it since.
      if (
        stored.fallback &&
        (await postPurchaseShown(opts.prisma, row.shopId, [stored.fallback.referenceId, row.orderShopifyId]))
      ) {
        await opts.prisma.outboxMessage.updateMany({
          where: ownedBy(row),
          data: {
            status: "cancelled",
            claimedBy: null,
            claimedUntil: null,
            lastError: "the post-purchase offer was shown on the post-purchase or thank-you page",
          },
        });
        result.cancelled++;
        continue;
      }
      const content = await completeContent(opts, row, stored, at);
      changed =
        content !== stored ? { content: JSON.stringify(content), discountCode: content.discountCode ?? null } : {};
      // The claim's lease covers the whole batch; renew (one write) only when less than half is
      // left, since no other worker can claim the row before it expires.
      if (row.claimedUntil!.getTime() - at.getTime() < leaseMs / 2) {
        if (!(await renewLease(opts.prisma, row, at, leaseMs, {}))) continue; // another worker has it now
      }
      const rendered = renderEmail({
        outboxId: row.id,
        messageId: row.messageId,
        shopId: row.shopId,
        customerId: row.customerId,
        recipient: row.recipient,
        recipientHash: row.recipientHash,
        // The buyer's own locale; a row scheduled before it was kept renders in its copy's.
        locale: row.buyerLocale ?? row.locale,
        content,
        appUrl: opts.appUrl,
        secret: opts.secret,
        issuedAt: Math.floor(row.createdAt.getTime() / 1000),
      });
      await opts.transport.send(rendered.mail);
      // The at-least-once window: from the server's acceptance to this commit (docs/email.md).
      await opts.hooks?.afterAccept?.(row);
      await opts.prisma.outboxMessage.updateMany({
        where: { id: row.id, claimedBy: row.claimedBy },
        // The content (code, link) is stored with the "sent" mark: a resend after a crash
        // recomputes the same deterministic code and link, so nothing is needed before SMTP.
        data: {
          ...changed,
          status: "sent",
          sentAt: (opts.now ?? (() => new Date()))(),
          claimedBy: null,
          claimedUntil: null,
          lastError: null,
        },
      });
      result.sent++;
      sentRows.push(row);
    } catch (error) {
      const reason = describeError(error);
      const giveUp = row.attempts >= maxAttempts;
      await opts.prisma.outboxMessage.updateMany({
        where: ownedBy(row),
        data: giveUp
          ? {
              status: "failed",
              claimedBy: null,
              claimedUntil: null,
              lastError: `gave up after ${row.attempts} attempts: ${reason}`,
            }
          : {
              ...changed,
              status: "pending",
              claimedBy: null,
              claimedUntil: null,
              lastError: reason,
              nextAttemptAt: new Date(at.getTime() + backoffFor(row.attempts, opts.backoffMs)),
            },
      });
      if (giveUp) result.failed++;
      else result.retried++;
    }
  }
  // Measurement is told after the fact, once per batch; losing these events never un-sends or
  // re-sends a message (their ids are per outbox row, so a retry counts once).
  await recordEmailsSent(opts.prisma, sentRows, now).catch(() => undefined);
  return result;
}

function describeError(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; message?: string; code?: string };
  const text = e.response ?? e.message ?? String(error);
  return (e.responseCode ? `SMTP ${e.responseCode}: ${text}` : e.code ? `${e.code}: ${text}` : text).slice(0, 500);
}

/**
 * The buyer's one-click unsubscribe: recorded once per shop and email hash, and every pending
 * message to that buyer is cancelled in the same transaction.
 */
export async function unsubscribe(
  prisma: PrismaClient,
  input: { shopId: string; emailHash: string; customerId: string | null; source: "link" | "one_click" | "admin" },
): Promise<{ cancelled: number }> {
  return prisma.$transaction(async (tx) => {
    await tx.emailUnsubscribe.upsert({
      where: { shopId_emailHash: { shopId: input.shopId, emailHash: input.emailHash } },
      create: { shopId: input.shopId, emailHash: input.emailHash, customerId: input.customerId, source: input.source },
      update: {},
    });
    const who: Prisma.OutboxMessageWhereInput[] = [{ recipientHash: input.emailHash }];
    if (input.customerId) who.push({ customerId: input.customerId });
    const { count } = await tx.outboxMessage.updateMany({
      where: { shopId: input.shopId, status: "pending", OR: who },
      data: { status: "cancelled", lastError: "unsubscribed" },
    });
    return { cancelled: count };
  });
}

export { emailHash };
