import type { Prisma } from "@prisma/client";

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

  const requests: Prisma.DataRequestWhereInput[] = [];
  if (ref.customerId) requests.push({ customerId: ref.customerId });
  if (ref.email) requests.push({ email: ref.email });
  if (requests.length) await tx.dataRequest.deleteMany({ where: { shopId: ref.shopId, OR: requests } });

  if (ref.customerId) await tx.demoCustomer.deleteMany({ where: { shopId: ref.shopId, id: ref.customerId } });
}

/** shop/redact (48 hours after uninstall): every row of that shop, and nothing of any other. */
export async function redactShop(tx: Tx, domain: string, keepWebhookId: string): Promise<void> {
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.dataRequest.deleteMany({ where: { shopDomain: domain } });
  // The redact delivery itself stays recorded, so that its redelivery remains a no-op.
  await tx.webhookEvent.deleteMany({ where: { shopDomain: domain, webhookId: { not: keepWebhookId } } });
  // Shop cascades to settings, moments, offers, variants, experiments, orders, demo data.
  await tx.shop.deleteMany({ where: { domain } });
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
