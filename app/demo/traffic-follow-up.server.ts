import { ATTR } from "@moments/engine";
import type { BuyerContext } from "./traffic-buyer.server";
import { CATALOG } from "./traffic-catalog";
import { buyerRandom } from "./traffic-model";
import { pool } from "./traffic-pool";
import type { OrderLine } from "./traffic-shopify.server";

/** An order whose buyer gave an email: the follow-up's offer may bring them back. */
export interface EmailOrder {
  /** The buyer's index: the email's draws are its own (buyerRandom). */
  buyer: number;
  orderId: string;
  journeyKey: string;
  checkoutToken: string;
  email: string;
  at: number;
  country: string;
  main: string;
}

/**
 * Email: the server scheduled the follow-ups on orders/create (and logged their exposures);
 * the buyer follows the link of the offer it chose, which puts its items in a new checkout.
 */
export async function followEmailLinks(
  { options, ledger, shopify }: Pick<BuyerContext, "options" | "ledger" | "shopify">,
  emailOrders: readonly EmailOrder[],
) {
  const { seenArm, takes } = ledger;
  const { placeOrder } = shopify;
  if (!options.outbox || !emailOrders.length) return;
  const rows = await options.outbox(emailOrders.map((e) => e.orderId));
  const byOrder = new Map(rows.map((row) => [row.orderShopifyId, row]));
  const mailers = pool(options.concurrency ?? 12);
  for (const e of emailOrders) {
    const row = byOrder.get(e.orderId);
    if (!row) continue;
    const content = JSON.parse(row.content) as {
      checkoutUrl?: string;
      offer: {
        id: string;
        items: Array<{ productId: string; variantId: string; quantity: number }>;
        price: { final: number; original: number };
      };
    };
    if (row.experimentId && row.armId) seenArm(row.experimentId, row.armId, content.offer.price.final, e.main);
    const random = buyerRandom(options.seed, e.buyer, 1);
    if (!takes(row.experimentId ?? undefined, row.armId ?? undefined, random)) continue;
    const link = content.checkoutUrl ? new URL(content.checkoutUrl) : null;
    const journeyKey = link?.searchParams.get(`attributes[${ATTR.journey}]`) || e.journeyKey;
    const share = content.offer.items.length ? content.offer.price.final / content.offer.items.length : 0;
    const lines: OrderLine[] = content.offer.items.map((it) => ({
      variant: CATALOG.find((v) => v.variantId === it.variantId) ?? {
        productId: it.productId,
        variantId: it.variantId,
        title: row.offerId,
      },
      quantity: it.quantity,
      list: Math.round((content.offer.price.original * it.quantity) / Math.max(1, content.offer.items.length)),
      final: Math.round(share),
      properties: {
        [ATTR.offer]: row.offerId,
        ...(row.armId ? { [ATTR.arm]: row.armId } : {}),
        [ATTR.moment]: "email",
      },
    }));
    await mailers.run(
      async () =>
        void (await placeOrder(
          lines,
          {
            journeyKey,
            checkoutToken: `${e.checkoutToken}-em`,
            email: null,
            at: e.at + 48 * 3600_000 > options.now ? options.now - 60_000 : e.at + 48 * 3600_000,
            country: e.country,
          },
          random,
        )),
    );
  }
  await mailers.drain();
}
