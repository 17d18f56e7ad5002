import type { Prisma } from "@prisma/client";
import type { OrderCreated } from "./order-payload.server";
import { attributeOrder } from "~/measurement/attribution.server";
import { emailOrderHandler } from "~/email/schedule.server";
import type { LineFacts } from "~/catalog/line-facts.server";

/**
 * What happens when an order is created, beyond recording it: each feature registers one handler
 * here (attribution, follow-up email). They run in the webhook's transaction, once per delivery.
 */
export interface OrderCreatedContext {
  shopId: string;
  shopDomain: string;
  /** The app's Order row id. */
  orderRowId: string;
  order: OrderCreated;
  /**
   * Tags and collections of the order's products, fetched BEFORE the transaction (an Admin API
   * call inside it would hold the database's write lock); absent when no offer needs them.
   */
  lineFacts?: LineFacts;
}
export type OrderCreatedHandler = (tx: Prisma.TransactionClient, ctx: OrderCreatedContext) => Promise<void>;

export const orderCreatedHandlers: OrderCreatedHandler[] = [attributeOrder, emailOrderHandler];
