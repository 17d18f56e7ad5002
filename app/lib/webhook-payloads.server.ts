import { z } from "zod";
import { InvalidInput } from "./errors";

/** A signed payload that does not have the documented shape is a 400 with the reason, not a 500. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidInput(`Unexpected webhook payload at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}

const id = z.union([z.number(), z.string()]);

export const CustomerPayload = z.object({
  customer: z.object({ id: id.nullish(), email: z.string().nullish() }),
  orders_requested: z.array(id).nullish(),
  orders_to_redact: z.array(id).nullish(),
});

export const toOrderGid = (orderId: string | number) =>
  String(orderId).startsWith("gid://") ? String(orderId) : `gid://shopify/Order/${orderId}`;

export const toCustomerGid = (customerId: string | number | null | undefined) =>
  customerId == null ? null : String(customerId).startsWith("gid://") ? String(customerId) : `gid://shopify/Customer/${customerId}`;
