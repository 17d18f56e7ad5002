import { Prisma } from "@prisma/client";
import { db } from "./db.server";
import { authenticate } from "./shopify.server";

type Tx = Prisma.TransactionClient;
export interface WebhookDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  payload: unknown;
}

/**
 * Verifies a webhook (HMAC through the library), then runs `work` once per delivery id:
 * the delivery is recorded in the same transaction as the work, so a redelivery changes nothing.
 */
export async function handleWebhook(
  request: Request,
  work: (tx: Tx, delivery: WebhookDelivery) => Promise<void>,
): Promise<Response> {
  // The library answers 400 for a missing signature; for us an unsigned request is unauthorized.
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    return new Response("Missing X-Shopify-Hmac-Sha256", { status: 401 });
  }
  const { shop, topic, webhookId, payload } = await authenticate.webhook(request);
  const delivery = { shop, topic: String(topic), webhookId, payload };
  try {
    await db().$transaction(async (tx) => {
      await tx.webhookEvent.create({ data: { webhookId, shopDomain: shop, topic: delivery.topic } });
      await work(tx, delivery);
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return new Response(null, { status: 200 }); // already processed: a redelivery
    }
    throw error;
  }
  return new Response(null, { status: 200 });
}

export async function shopIdFor(tx: Tx, domain: string): Promise<string | null> {
  const shop = await tx.shop.findUnique({ where: { domain }, select: { id: true } });
  return shop?.id ?? null;
}
