import { randomUUID } from "node:crypto";
import type { DemoOrder, PrismaClient } from "@prisma/client";
import { toSafeNumber } from "~/lib/bigint";
import { GatewayRefusal, type AddedLine, type OrderEditSession, type OrderFacts, type ShopGateway } from "./types";

/**
 * The demo store's side of order editing (decision 026): what Shopify's Admin API does with a paid
 * order, on the demo's own orders (DemoOrder, placed by the demo buyer journey). A variant is added
 * at the demo catalog's price in the order's currency, a line discount is per unit, nothing reaches
 * the order before `commit`, and the invoice is recorded (the demo sends no email for it).
 */
export interface DemoOrderLine {
  lineItemId: string;
  productId: string;
  variantId: string;
  quantity: number;
  unitMinor: number;
  /** Discount per unit, minor units. */
  discountMinor: number;
}

export const demoOrderLines = (row: Pick<DemoOrder, "lines">): DemoOrderLine[] =>
  JSON.parse(row.lines) as DemoOrderLine[];
const lineTotal = (l: DemoOrderLine) => Math.max(0, l.unitMinor - l.discountMinor) * l.quantity;
const numeric = () => String(Date.now()).slice(-9) + String(Math.floor(Math.random() * 1000)).padStart(3, "0");

export function demoOrderEditing(
  prisma: PrismaClient,
  shopId: string,
): Pick<ShopGateway, "getOrder" | "beginOrderEdit" | "sendOrderInvoice"> {
  const load = (orderId: string) => prisma.demoOrder.findUnique({ where: { shopId_orderId: { shopId, orderId } } });
  return {
    async getOrder(orderId) {
      const row = await load(orderId);
      if (!row) return null;
      const facts: OrderFacts = {
        id: row.orderId,
        createdAt: row.createdAt,
        cancelled: row.cancelledAt !== null,
        test: false,
        checkoutToken: row.checkoutToken,
        journeyAttribute: row.journeyKey,
        customerId: null,
        locale: row.locale,
        country: row.country,
        currency: row.currency,
        subtotalMinor: toSafeNumber(row.subtotalMinor, "subtotalMinor"),
        lines: demoOrderLines(row).map((l) => ({
          productId: l.productId,
          variantId: l.variantId,
          quantity: l.quantity,
          totalMinor: lineTotal(l),
        })),
        editable: row.cancelledAt === null,
        notEditableReasons: row.cancelledAt ? ["The order was cancelled."] : [],
      };
      return facts;
    },

    async beginOrderEdit(orderId) {
      const order = await load(orderId);
      if (!order) throw new GatewayRefusal("Shopify refused to edit the order: order not found");
      if (order.cancelledAt) throw new GatewayRefusal("Shopify refused to edit the order: the order was cancelled");
      const staged: DemoOrderLine[] = [];
      const session: OrderEditSession = {
        async addVariant(variantId, quantity) {
          const variant = await prisma.demoVariant.findFirst({
            where: { id: variantId, product: { shopId } },
            include: { product: true },
          });
          if (!variant) throw new GatewayRefusal("Shopify refused to add the item: variant not found");
          const price =
            order.currency === "EUR" ? variant.priceEurMinor : order.currency === "USD" ? variant.priceUsdMinor : null;
          if (price === null)
            throw new GatewayRefusal(`Shopify refused to add the item: no price in ${order.currency}`);
          const line: DemoOrderLine = {
            lineItemId: `gid://shopify/CalculatedLineItem/${numeric()}`,
            productId: variant.productId,
            variantId,
            quantity,
            unitMinor: toSafeNumber(price, "price"),
            discountMinor: 0,
          };
          staged.push(line);
          return { lineItemId: line.lineItemId, quantity, unitMinor: line.unitMinor, currency: order.currency };
        },
        async discountLine(added: AddedLine, perUnitMinor) {
          const line = staged.find((l) => l.lineItemId === added.lineItemId);
          if (!line) throw new GatewayRefusal("Shopify refused the offer's discount: line not in this edit");
          if (perUnitMinor < 0 || perUnitMinor > line.unitMinor)
            throw new GatewayRefusal("Shopify refused the offer's discount: amount out of range");
          line.discountMinor = perUnitMinor;
          return { discountedUnitMinor: line.unitMinor - perUnitMinor };
        },
        async commit({ notifyCustomer, staffNote }) {
          const added = staged.map((l) => ({
            ...l,
            lineItemId: l.lineItemId.replace("CalculatedLineItem", "LineItem"),
          }));
          const addedMinor = added.reduce((s, l) => s + lineTotal(l), 0);
          const updated = await prisma.$transaction(async (tx) => {
            const now = await tx.demoOrder.findUniqueOrThrow({ where: { id: order.id } });
            const edits = JSON.parse(now.edits) as unknown[];
            edits.push({
              id: randomUUID(),
              at: new Date().toISOString(),
              staffNote,
              notifyCustomer,
              lineItemIds: added.map((l) => l.lineItemId),
            });
            return tx.demoOrder.update({
              where: { id: order.id },
              data: {
                lines: JSON.stringify([...demoOrderLines(now), ...added]),
                subtotalMinor: { increment: addedMinor },
                totalMinor: { increment: addedMinor },
                edits: JSON.stringify(edits),
              },
            });
          });
          return {
            balanceMinor: toSafeNumber(updated.totalMinor - updated.receivedMinor, "balance"),
            currency: updated.currency,
          };
        },
      };
      return session;
    },

    async sendOrderInvoice(orderId) {
      const { count } = await prisma.demoOrder.updateMany({
        where: { shopId, orderId },
        data: { invoiceSentAt: new Date() },
      });
      if (count !== 1) throw new GatewayRefusal("Shopify refused to send the invoice: order not found");
    },
  };
}
