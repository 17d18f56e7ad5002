import type { Prisma } from "@prisma/client";
import { emailHash } from "./tokens.server";

type Tx = Prisma.TransactionClient;

/** customers/redact: the buyer's follow-up messages (any state) and opt-out record go. */
export async function redactCustomerEmail(tx: Tx, ref: { shopId: string; customerId: string | null; email: string | null; orderIds: string[] }): Promise<void> {
  const messages: Prisma.OutboxMessageWhereInput[] = [];
  const optOuts: Prisma.EmailUnsubscribeWhereInput[] = [];
  if (ref.customerId) {
    messages.push({ customerId: ref.customerId });
    optOuts.push({ customerId: ref.customerId });
  }
  if (ref.email) {
    messages.push({ recipientHash: emailHash(ref.email) });
    optOuts.push({ emailHash: emailHash(ref.email) });
  }
  if (ref.orderIds.length) {
    const gids = ref.orderIds.map((id) => (id.startsWith("gid://") ? id : `gid://shopify/Order/${id}`));
    messages.push({ orderShopifyId: { in: gids } });
  }
  if (messages.length) await tx.outboxMessage.deleteMany({ where: { shopId: ref.shopId, OR: messages } });
  if (optOuts.length) await tx.emailUnsubscribe.deleteMany({ where: { shopId: ref.shopId, OR: optOuts } });
}

/** shop/redact: every follow-up row of the shop. */
export async function redactShopEmail(tx: Tx, shopId: string): Promise<void> {
  await tx.outboxMessage.deleteMany({ where: { shopId } });
  await tx.emailUnsubscribe.deleteMany({ where: { shopId } });
}
