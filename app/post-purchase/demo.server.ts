import type { Order, Shop } from "@prisma/client";
import { formatMinor } from "@moments/engine";
import { SignJWT } from "jose";
import { toSafeNumber } from "~/lib/bigint";
import { purchaseFromInput, type Purchase } from "./offer.server";
import { verifyInputToken } from "./token.server";
import type { AppCredentials } from "./changeset.server";

interface StoredLine {
  productId: string | null;
  variantId: string | null;
  quantity: number;
  unitMinor: number;
}

const numeric = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/** The post-purchase reference id the demo uses for an order (one purchase per demo order). */
export const demoReferenceId = (order: Pick<Order, "shopifyId">) => `demo-${numeric(order.shopifyId)}`;

/**
 * Demo mode plays Shopify's part: it signs the input token the post-purchase extension would
 * receive for this order (with the app secret), then reads it back through the same verification
 * the real endpoints use, so the demo exercises the real path end to end.
 */
export async function demoPurchase(
  shop: Shop,
  order: Order,
  creds: AppCredentials,
  now = new Date(),
): Promise<{ token: string; purchase: Purchase }> {
  let lines: StoredLine[] = [];
  try {
    lines = (JSON.parse(order.lines) as StoredLine[]).filter((l) => l.productId && l.variantId && l.quantity > 0);
  } catch {
    lines = [];
  }
  const money = (minor: number) => {
    const amount = formatMinor(minor, order.currency);
    return {
      shopMoney: { amount, currencyCode: order.currency },
      presentmentMoney: { amount, currencyCode: order.currency },
    };
  };
  const inputData = {
    extensionPoint: "Checkout::PostPurchase::ShouldRender",
    initialPurchase: {
      referenceId: demoReferenceId(order),
      customerId: order.customerId ? Number(numeric(order.customerId)) : undefined,
      totalPriceSet: money(toSafeNumber(order.totalMinor, "totalMinor")),
      lineItems: lines.map((l) => ({
        product: {
          id: Number(numeric(l.productId!)),
          title: "",
          variant: { id: Number(numeric(l.variantId!)), title: "" },
        },
        quantity: l.quantity,
        totalPriceSet: money(l.unitMinor * l.quantity),
      })),
    },
    locale: "en",
    shop: { id: 1, domain: shop.domain, metafields: [] },
    version: "unstable",
  };
  const seconds = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ input_data: inputData, dest: shop.domain, aud: creds.apiKey })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + 300)
    .sign(new TextEncoder().encode(creds.secret));
  const verified = await verifyInputToken(token, { secret: creds.secret, apiKey: creds.apiKey, now });
  if (!verified.ok) throw new Error(`demo input token rejected: ${verified.reason}`);
  return { token, purchase: { ...purchaseFromInput(verified.value.input), orderId: order.shopifyId } };
}
