import { ATTR, formatMinor } from "@moments/engine";
import type { CurrencyCode } from "~/graphql/admin.types";
import { decimalToMinor } from "~/lib/decimal";
import { payload, run, type AdminGraphql } from "./admin-client.server";
import {
  ORDER_EDIT_ADD_VARIANT_MUTATION,
  ORDER_EDIT_BEGIN_MUTATION,
  ORDER_EDIT_COMMIT_MUTATION,
  ORDER_EDIT_LINE_DISCOUNT_MUTATION,
  ORDER_FOR_EDIT_QUERY,
  ORDER_INVOICE_SEND_MUTATION,
} from "./admin-documents";
import { GatewayRefusal, type AddedLine, type OrderEditSession, type OrderFacts, type ShopGateway } from "./types";

/**
 * Shopify's order editing for the thank-you offer (decision 026), through the shop's Admin API:
 * `orderEditBegin` stages a calculated order, `orderEditAddVariant` and
 * `orderEditAddLineItemDiscount` change it, `orderEditCommit` applies it (nothing reaches the order
 * before), and `orderInvoiceSend` emails Shopify's invoice for the balance. Scopes: read_orders
 * (the order), write_order_edits (the edit).
 */
type UserErrors = ReadonlyArray<{ message: string }>;

/** Shopify's userErrors refuse the step: nothing of the edit was applied. */
function refuse(step: string, errors: UserErrors): void {
  if (errors.length) throw new GatewayRefusal(`Shopify refused ${step}: ${errors.map((e) => e.message).join("; ")}`);
}

export function orderEditing(
  admin: AdminGraphql,
): Pick<ShopGateway, "getOrder" | "beginOrderEdit" | "sendOrderInvoice"> {
  return {
    async getOrder(orderId) {
      const { order } = await run(admin, ORDER_FOR_EDIT_QUERY, { id: orderId });
      if (!order) return null;
      const currency = order.presentmentCurrencyCode;
      const minor = (m: { amount: unknown; currencyCode: string } | undefined) =>
        m ? decimalToMinor(String(m.amount), m.currencyCode) : 0;
      const facts: OrderFacts = {
        id: order.id,
        createdAt: new Date(order.createdAt as string),
        cancelled: order.cancelledAt != null,
        test: order.test,
        checkoutToken: order.checkoutToken ?? null,
        journeyAttribute: order.customAttributes.find((a) => a.key === ATTR.journey)?.value || null,
        customerId: order.customer?.id ?? null,
        locale: order.customerLocale ?? null,
        country: order.shippingAddress?.countryCodeV2 ?? order.billingAddress?.countryCodeV2 ?? null,
        currency,
        subtotalMinor: minor(order.subtotalPriceSet?.presentmentMoney),
        lines: order.lineItems.nodes.flatMap((l) =>
          l.product && l.variant
            ? [
                {
                  productId: l.product.id,
                  variantId: l.variant.id,
                  quantity: l.quantity,
                  totalMinor: minor(l.discountedTotalSet.presentmentMoney),
                },
              ]
            : [],
        ),
        editable: order.merchantEditable,
        notEditableReasons: order.merchantEditableErrors,
      };
      return facts;
    },

    async beginOrderEdit(orderId) {
      const begun = payload((await run(admin, ORDER_EDIT_BEGIN_MUTATION, { id: orderId })).orderEditBegin);
      refuse("to edit the order", begun.userErrors);
      const id = begun.calculatedOrder?.id;
      if (!id) throw new GatewayRefusal("Shopify did not start the order edit");
      const session: OrderEditSession = {
        async addVariant(variantId, quantity) {
          const added = payload(
            (await run(admin, ORDER_EDIT_ADD_VARIANT_MUTATION, { id, variantId, quantity })).orderEditAddVariant,
          );
          refuse("to add the item", added.userErrors);
          const line = added.calculatedLineItem;
          if (!line) throw new GatewayRefusal("Shopify did not add the item");
          const unit = line.originalUnitPriceSet.presentmentMoney;
          return {
            lineItemId: line.id,
            quantity: line.quantity,
            unitMinor: decimalToMinor(String(unit.amount), unit.currencyCode),
            currency: unit.currencyCode,
          };
        },
        async discountLine(line: AddedLine, perUnitMinor, description) {
          const discounted = payload(
            (
              await run(admin, ORDER_EDIT_LINE_DISCOUNT_MUTATION, {
                id,
                lineItemId: line.lineItemId,
                discount: {
                  fixedValue: {
                    amount: formatMinor(perUnitMinor, line.currency),
                    currencyCode: line.currency as CurrencyCode,
                  },
                  description,
                },
              })
            ).orderEditAddLineItemDiscount,
          );
          refuse("the offer's discount", discounted.userErrors);
          const unit = discounted.calculatedLineItem?.discountedUnitPriceSet.presentmentMoney;
          if (!unit) throw new GatewayRefusal("Shopify did not say the discounted price");
          return { discountedUnitMinor: decimalToMinor(String(unit.amount), unit.currencyCode) };
        },
        async commit({ notifyCustomer, staffNote }) {
          const committed = payload(
            (await run(admin, ORDER_EDIT_COMMIT_MUTATION, { id, notifyCustomer, staffNote })).orderEditCommit,
          );
          refuse("to save the order edit", committed.userErrors);
          const outstanding = committed.order?.totalOutstandingSet.presentmentMoney;
          return outstanding
            ? {
                balanceMinor: decimalToMinor(String(outstanding.amount), outstanding.currencyCode),
                currency: outstanding.currencyCode,
              }
            : { balanceMinor: 0, currency: "" };
        },
      };
      return session;
    },

    async sendOrderInvoice(orderId) {
      const sent = payload((await run(admin, ORDER_INVOICE_SEND_MUTATION, { id: orderId })).orderInvoiceSend);
      refuse("to send the invoice", sent.userErrors);
    },
  };
}
