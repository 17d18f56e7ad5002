import type { Prisma } from "@prisma/client";
import { redactCustomerEmail, redactShopEmail } from "./email/privacy.server";

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

/** customers/redact: personal data goes; order totals stay, anonymised, for the merchant's stats. */
export async function redactCustomer(tx: Tx, ref: CustomerRef): Promise<void> {
  const who: Prisma.OrderWhereInput[] = [];
  if (ref.customerId) who.push({ customerId: ref.customerId });
  if (ref.email) who.push({ email: ref.email });
  if (ref.orderIds.length) who.push({ shopifyId: { in: ref.orderIds } });
  if (who.length === 0) return;
  await tx.order.updateMany({ where: { shopId: ref.shopId, OR: who }, data: { customerId: null, email: null } });
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
  const redacted = await tx.shop.findUnique({ where: { domain }, select: { id: true } });
  if (redacted) await redactShopMeasurement(tx, redacted.id);
  // Post-purchase upsells (no personal data; referenceId/orderId only): gone with the shop.
  if (redacted) await tx.postPurchaseOffer.deleteMany({ where: { shopId: redacted.id } });
  if (redacted) await tx.postPurchaseUpsell.deleteMany({ where: { shopId: redacted.id } });
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
  const linked = await tx.journeyOrder.findMany({ where: { shopId, orderId: { in: orderIds } }, select: { journeyKey: true } });
  const lines = await tx.attributedLine.findMany({ where: { shopId, orderId: { in: orderIds } }, select: { journeyKey: true } });
  const journeys = [...new Set([...linked, ...lines].map((j) => j.journeyKey).filter(Boolean))];
  if (journeys.length) {
    const byJourney = { shopId, journeyKey: { in: journeys } };
    await tx.event.deleteMany({ where: byJourney });
    await tx.offerView.deleteMany({ where: byJourney });
    await tx.experimentExposure.deleteMany({ where: byJourney });
    await tx.journeyOrder.deleteMany({ where: byJourney });
  }
  await tx.attributedLine.updateMany({ where: { shopId, orderId: { in: orderIds } }, data: { journeyKey: "" } });
}

/** customers/data_request: recorded so the merchant can be sent what we hold. */
export async function recordDataRequest(
  tx: Tx,
  input: { shopId: string | null; shopDomain: string; customerId: string | null; email: string | null; orderIds: string[] },
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
