import type { OutboxMessage, Prisma, PrismaClient } from "@prisma/client";
import { ATTR, exposureEventFields, type MomentDecision } from "@moments/engine";
import { ingestEvents } from "~/measurement/ingest.server";
import { JOURNEY_ATTRIBUTE } from "~/measurement/journeys.server";
import { MAX_BATCH } from "~/measurement/contract";
import type { OrderCreated } from "~/orders/order-payload.server";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The follow-up email reports to measurement like any surface: a sent message is the offer's
 * impression, the tracked link's first click a click, an order that came through the email's
 * checkout link a purchase, an opt-out an unsubscribe. Event ids derive from the outbox row (or
 * order), so a retried send or a second click never counts twice.
 */
/**
 * The exposures of a decision made where the email decides (its own offer, or the post-purchase
 * offer it carries for a wallet checkout), hold-out and variants alike, so each arm counts the
 * same buyers. A test order (bogus gateway) records none: test orders are never linked to
 * journeys, and a visitor whose revenue is never counted would bias the arm.
 */
export async function recordEmailExposures(
  db: Db,
  shopId: string,
  order: Pick<OrderCreated, "test">,
  decided: MomentDecision | undefined,
  journeyKey: string,
  now: Date,
): Promise<void> {
  if (!decided?.exposures.length || order.test) return;
  await ingestEvents(
    db,
    shopId,
    decided.exposures.map((x) =>
      Object.assign(exposureEventFields(x, journeyKey), { surface: "email" as const, occurredAt: now.getTime() }),
    ),
    now,
  );
}

export function journeyKeyOf(row: Pick<OutboxMessage, "customerId" | "recipientHash"> & { content?: string }): string {
  // The order's journey key, stored with the content at scheduling; rows scheduled before it was
  // stored keep the key they were decided with.
  try {
    const key = row.content ? (JSON.parse(row.content) as { journeyKey?: unknown }).journeyKey : undefined;
    if (typeof key === "string" && key) return key;
  } catch {
    // content is always JSON; a row that is not keeps the fallback key
  }
  return row.customerId ?? row.recipientHash;
}

function offerEvent(row: OutboxMessage, type: "impression" | "click", id: string, now: Date) {
  return {
    id,
    type,
    moment: "email",
    surface: "email",
    journeyKey: journeyKeyOf(row),
    offerId: row.offerId,
    ...(row.experimentId && row.armId
      ? { experimentId: row.experimentId, armId: row.armId, arm: "variant" }
      : { arm: "none" }),
    currency: row.currency,
    occurredAt: now.getTime(),
  };
}

/** Impressions for a batch of sent messages, one ingest per shop and at most MAX_BATCH at a time. */
export async function recordEmailsSent(db: Db, rows: OutboxMessage[], now: Date): Promise<void> {
  const byShop = new Map<string, OutboxMessage[]>();
  for (const r of rows) byShop.set(r.shopId, [...(byShop.get(r.shopId) ?? []), r]);
  for (const [shopId, list] of byShop) {
    for (let i = 0; i < list.length; i += MAX_BATCH) {
      await ingestEvents(
        db,
        shopId,
        list.slice(i, i + MAX_BATCH).map((r) => offerEvent(r, "impression", `email-sent-${r.id}`, now)),
        now,
      );
    }
  }
}

export async function recordEmailClick(db: Db, row: OutboxMessage, now: Date): Promise<void> {
  await ingestEvents(db, row.shopId, [offerEvent(row, "click", `email-click-${row.id}`, now)], now);
}

export async function recordUnsubscribe(db: Db, shopId: string, journeyKey: string, now: Date): Promise<void> {
  await ingestEvents(
    db,
    shopId,
    [
      {
        id: `email-unsub-${journeyKey}`.slice(0, 64),
        type: "unsubscribe",
        moment: "email",
        surface: "email",
        journeyKey,
        arm: "none",
        occurredAt: now.getTime(),
      },
    ],
    now,
  );
}

/**
 * orders/create of an order placed through an email's checkout link: the link set the cart
 * attributes (moment, offer, arm, journey), which come back as the order's note attributes.
 */
export async function recordEmailPurchase(db: Db, shopId: string, order: OrderCreated, now: Date): Promise<boolean> {
  const a = order.attributes;
  if (a[ATTR.moment] !== "email" || !a[ATTR.offer]) return false;
  const armId = a[ATTR.arm] || undefined;
  const outbox = await db.outboxMessage.findFirst({
    where: { shopId, offerId: a[ATTR.offer], armId: armId ?? null },
    select: { experimentId: true },
  });
  await ingestEvents(
    db,
    shopId,
    [
      {
        id: `email-buy-${order.shopifyId.split("/").pop()}`.slice(0, 64),
        type: "purchase",
        moment: "email",
        surface: "email",
        journeyKey: a[JOURNEY_ATTRIBUTE] || order.customerId || "unknown",
        offerId: a[ATTR.offer],
        ...(armId && outbox?.experimentId
          ? { experimentId: outbox.experimentId, armId, arm: "variant" }
          : { arm: "none" }),
        currency: order.currency,
        valueMinor: order.totalMinor,
        occurredAt: order.processedAt.getTime(),
      },
    ],
    now,
  );
  return true;
}
