import type { Prisma } from "@prisma/client";
import { emailHash } from "./tokens.server";

type Tx = Prisma.TransactionClient;

/** Bind values per statement, under SQLite's 999 (privacy.server.ts IDS_PER_STATEMENT, the same bound). */
const ORDERS_PER_STATEMENT = 900;

/** customers/redact: the buyer's follow-up messages (any state) and opt-out record go. */
export async function redactCustomerEmail(
  tx: Tx,
  ref: { shopId: string; customerId: string | null; email: string | null; orderIds: string[] },
): Promise<void> {
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
  if (messages.length) await tx.outboxMessage.deleteMany({ where: { shopId: ref.shopId, OR: messages } });
  // Any number of orders: bounded IN lists, as in app/privacy.server.ts (IDS_PER_STATEMENT).
  const gids = ref.orderIds.map((id) => (id.startsWith("gid://") ? id : `gid://shopify/Order/${id}`));
  for (let i = 0; i < gids.length; i += ORDERS_PER_STATEMENT) {
    await tx.outboxMessage.deleteMany({
      where: { shopId: ref.shopId, orderShopifyId: { in: gids.slice(i, i + ORDERS_PER_STATEMENT) } },
    });
  }
  if (optOuts.length) await tx.emailUnsubscribe.deleteMany({ where: { shopId: ref.shopId, OR: optOuts } });
}

/** shop/redact: every follow-up row of the shop. */
export async function redactShopEmail(tx: Tx, shopId: string): Promise<void> {
  await tx.outboxMessage.deleteMany({ where: { shopId } });
  await tx.emailUnsubscribe.deleteMany({ where: { shopId } });
}
