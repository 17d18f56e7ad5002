import type { Prisma } from "@prisma/client";
import { redactCustomerEmail, redactShopEmail } from "./email/privacy.server";
import { dialectOfClient, query, raw, sql } from "./lib/sql.server";

type Tx = Prisma.TransactionClient;

/**
 * What Moments keeps about a buyer, and how each compliance webhook removes it. New tables that
 * hold customer data must be added here (tests/webhooks.test.ts checks every row is gone).
 */
export interface CustomerRef {
  shopId: string;
  customerId: string | null;
  email: string | null;
  orderIds: string[];
}

/**
 * Ids bound per `IN (...)`: a customers/redact may name any number of orders, and one list per
 * statement failed beyond SQLite's bind limit (999 with Prisma) and PostgreSQL's (32767). 900, as
 * in the retention purge, leaves room for the statement's other conditions.
 */
export const IDS_PER_STATEMENT = 900;

/** `ids` in slices of IDS_PER_STATEMENT, duplicates dropped. */
export function inChunks<T>(ids: readonly T[], size = IDS_PER_STATEMENT): T[][] {
  const unique = [...new Set(ids)];
  const out: T[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}

/** customers/redact: personal data goes; order totals stay, anonymised, for the merchant's stats. */
export async function redactCustomer(tx: Tx, ref: CustomerRef): Promise<void> {
  const who: Prisma.OrderWhereInput[] = [];
  if (ref.customerId) who.push({ customerId: ref.customerId });
  if (ref.email) who.push({ email: ref.email });
  if (who.length === 0 && ref.orderIds.length === 0) return;
  const anonymise = { customerId: null, email: null };
  if (who.length) await tx.order.updateMany({ where: { shopId: ref.shopId, OR: who }, data: anonymise });
  for (const ids of inChunks(ref.orderIds)) {
    await tx.order.updateMany({ where: { shopId: ref.shopId, shopifyId: { in: ids } }, data: anonymise });
  }
  await redactCustomerMeasurement(tx, ref.shopId, ref.orderIds);

  const requests: Prisma.DataRequestWhereInput[] = [];
  if (ref.customerId) requests.push({ customerId: ref.customerId });
  if (ref.email) requests.push({ email: ref.email });
  if (requests.length) await tx.dataRequest.deleteMany({ where: { shopId: ref.shopId, OR: requests } });

  if (ref.customerId) await tx.demoCustomer.deleteMany({ where: { shopId: ref.shopId, id: ref.customerId } });
  await redactCustomerEmail(tx, ref);
}

/** shop/redact (48 hours after uninstall): every row of that shop, and nothing of any other. */
export async function redactShop(tx: Tx, domain: string, keepWebhookId: string): Promise<void> {
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.dataRequest.deleteMany({ where: { shopDomain: domain } });
  // The redact delivery itself stays recorded, so that its redelivery remains a no-op.
  await tx.webhookEvent.deleteMany({ where: { shopDomain: domain, webhookId: { not: keepWebhookId } } });
  // Locked before its data goes: an ingest commit holding the row (FOR SHARE, commit-queue.server.ts)
  // finishes first and its events are deleted below; one that starts later finds the shop gone.
  const [redacted] = await query<{ id: string }>(
    tx,
    sql`SELECT "id" FROM "Shop" WHERE "domain" = ${domain}${raw(dialectOfClient(tx) === "postgresql" ? " FOR UPDATE" : "")}`,
  );
  if (redacted) await redactShopMeasurement(tx, redacted.id);
  // Post-purchase upsells (no personal data; referenceId/orderId only): gone with the shop.
  if (redacted) await tx.postPurchaseOffer.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await tx.postPurchaseUpsell.deleteMany({ where: { shopId: redacted.id } });
  // Thank-you order edits (order and offer ids only) and the demo store's orders: gone with the shop.
  if (redacted) await tx.thankYouOrderEdit.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await tx.demoOrder.deleteMany({ where: { shopId: redacted.id } });
  // Guardrail notices (offer ids, counts, the merchant's address): gone with the shop.
  if (redacted) await tx.guardrailEvent.deleteMany({ where: { shopId: redacted.id } });
  // Suggestions mined from the shop's orders (product ids and counts only): gone with the shop.
  if (redacted) await tx.suggestion.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await tx.suggestionRun.deleteMany({ where: { shopId: redacted.id } });
  // Billing statements and subscriptions (amounts and Shopify ids, no personal data): gone with the shop.
  if (redacted) await tx.billingPeriod.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await tx.billingSubscription.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await redactShopEmail(tx, redacted.id);
  // Shop cascades to settings, moments, offers, variants, experiments, orders, demo data.
  await tx.shop.deleteMany({ where: { domain } });
}

/** Measurement rows of a shop (no relation to Shop, so no cascade): called by redactShop. */
export async function redactShopMeasurement(tx: Tx, shopId: string): Promise<void> {
  const where = { shopId };
  await tx.event.deleteMany({ where });
  await tx.experimentExposure.deleteMany({ where });
  await tx.offerView.deleteMany({ where });
  await tx.momentDaily.deleteMany({ where });
  await tx.experimentDaily.deleteMany({ where });
  await tx.allocationEpoch.deleteMany({ where });
  await tx.attributedLine.deleteMany({ where });
  await tx.journeyOrder.deleteMany({ where });
  await tx.refundRecord.deleteMany({ where });
}

/**
 * A customer's journeys (found through their orders) lose their raw events and exposures; the
 * daily roll-ups keep only counts and sums, so the merchant's figures stay whole.
 */
export async function redactCustomerMeasurement(tx: Tx, shopId: string, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  const journeys = new Set<string>();
  const attributed = new Set<string>();
  for (const ids of inChunks(orderIds)) {
    const byOrder = { shopId, orderId: { in: ids } };
    const linked = await tx.journeyOrder.findMany({ where: byOrder, select: { journeyKey: true } });
    const lines = await tx.attributedLine.findMany({ where: byOrder, select: { journeyKey: true, orderId: true } });
    for (const j of [...linked, ...lines]) if (j.journeyKey) journeys.add(j.journeyKey);
    for (const l of lines) attributed.add(l.orderId);
  }
  for (const keys of inChunks([...journeys])) {
    const byJourney = { shopId, journeyKey: { in: keys } };
    await tx.event.deleteMany({ where: byJourney });
    await tx.offerView.deleteMany({ where: byJourney });
    await tx.experimentExposure.deleteMany({ where: byJourney });
    await tx.journeyOrder.deleteMany({ where: byJourney });
  }
  // Only the orders found with lines above: most of a long list names orders we never attributed.
  for (const ids of inChunks([...attributed])) {
    await tx.attributedLine.updateMany({ where: { shopId, orderId: { in: ids } }, data: { journeyKey: "" } });
  }
}

/** customers/data_request: recorded so the merchant can be sent what we hold. */
export async function recordDataRequest(
  tx: Tx,
  input: {
    shopId: string | null;
    shopDomain: string;
    customerId: string | null;
    email: string | null;
    orderIds: string[];
  },
): Promise<void> {
  await tx.dataRequest.create({
    data: {
      shopId: input.shopId,
      shopDomain: input.shopDomain,
      customerId: input.customerId,
      email: input.email,
      ordersJson: JSON.stringify(input.orderIds),
    },
  });
}
