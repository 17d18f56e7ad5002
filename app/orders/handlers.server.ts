import { attributeOrder } from "~/measurement/attribution.server";
import { emailOrderHandler } from "~/email/schedule.server";
import type { OrderCreatedHandler } from "./order-created";

/**
 * What happens when an order is created, beyond recording it: each feature registers one handler
 * here (attribution, follow-up email). They run in the webhook's transaction, once per delivery.
 */
export const orderCreatedHandlers: OrderCreatedHandler[] = [attributeOrder, emailOrderHandler];
