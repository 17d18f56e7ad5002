import type { Prisma } from "@prisma/client";
import type { LineFacts } from "~/catalog/line-facts.server";
import type { OrderCreated } from "./order-payload.server";

/**
 * What a feature's orders/create handler receives (registered in handlers.server.ts). Its own
 * module, so a feature implementing a handler (measurement, email) depends on this shape only,
 * not on the registry that imports every feature.
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
