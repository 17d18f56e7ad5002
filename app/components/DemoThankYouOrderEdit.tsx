import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, List, Text } from "@shopify/polaris";
import type { CurrencyDisplay } from "@moments/engine";
import { OfferPreviewCard } from "~/components/OfferPreviewCard";
import type { BuyerCard } from "~/demo/journey-view";
import type { DemoThankYouStep } from "~/demo/thank-you.server";
import { formatMoney } from "~/lib/money";

/**
 * The demo journey's thank-you step when offers are added to the paid order (decision 026): the
 * offer with a working "Add to order" (the page's action calls the app's endpoint as the extension
 * does), the wallet fallback's post-purchase offer in its place, and the order after the edit:
 * its lines, the discount, what was paid, the balance Shopify's invoice collects.
 */
export interface DemoThankYouOrderEditProps {
  thankYou: DemoThankYouStep;
  /** The thank-you moment's own offer (absent when the step shows nothing). */
  offer: { card: BuyerCard; offerId: string } | null;
  titles: Record<string, string>;
  mobile: boolean;
  locale: string;
  currencyDisplay: CurrencyDisplay;
  busy: boolean;
  error?: string;
}

export function DemoThankYouOrderEdit(p: DemoThankYouOrderEditProps) {
  const { thankYou, order } = { thankYou: p.thankYou, order: p.thankYou.order };
  if (!order) return null;
  const money = (minor: number) => formatMoney(minor, order.currency, p.locale, p.currencyDisplay);
  const shown = thankYou.fallback
    ? { card: thankYou.fallback.card, offerId: thankYou.fallback.offerId, moment: "post_purchase" as const }
    : p.offer
      ? { card: p.offer.card, offerId: p.offer.offerId, moment: "thank_you" as const }
      : null;
  const added = order.edits.filter((e) => e.status === "committed");
  const isAdded = (offerId: string) => added.some((e) => e.offerId === offerId);
  return (
    <BlockStack gap="300">
      {thankYou.wallet ? (
        <Banner tone="info" title="Paid with a wallet: Shopify skipped the post-purchase page">
          {thankYou.fallback || added.some((e) => e.moment === "post_purchase")
            ? "So the post-purchase offer shows here instead, added to the paid order by the same order edit."
            : `No post-purchase offer is due here: ${thankYou.fallbackReason ?? "none"}.`}
        </Banner>
      ) : null}
      {shown && !isAdded(shown.offerId) ? (
        <OfferPreviewCard
          {...shown.card}
          mobile={p.mobile}
          actions={
            <InlineStack gap="300">
              <Form method="post">
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="offerId" value={shown.offerId} />
                <input type="hidden" name="moment" value={shown.moment} />
                <input type="hidden" name="final" value={shown.card.final} />
                <input type="hidden" name="currency" value={shown.card.currency} />
                <Button submit variant="primary" loading={p.busy}>
                  {shown.card.cta}
                </Button>
              </Form>
              <Button disabled>{shown.card.decline}</Button>
            </InlineStack>
          }
        />
      ) : null}
      {p.error ? (
        <Banner tone="critical" title="Nothing was added">
          {p.error}
        </Banner>
      ) : null}
      {added.map((e) => (
        <Banner key={e.offerId} tone="success" title={`Added to the paid order: ${e.title}`}>
          <BlockStack gap="200">
            <Text as="p">
              {`${money(e.chargedMinor)} added to order ${order.orderId.split("/").pop()}. Paid at checkout ${money(order.paidMinor)}, order total now ${money(order.totalMinor)}: balance due ${money(order.balanceMinor)}.`}
            </Text>
            <Text as="p">
              {order.invoiceSent
                ? `Shopify's invoice for ${money(order.balanceMinor)} was sent to the buyer (orderInvoiceSend; the demo records it, no email goes out).`
                : "No invoice: nothing is left to pay."}
            </Text>
          </BlockStack>
        </Banner>
      ))}
      {order.edits.length ? (
        <BlockStack gap="100">
          <Text as="p" variant="headingSm">
            The order after the edit
          </Text>
          <List>
            {order.lines.map((l, i) => (
              <List.Item key={`${l.variantId}-${i}`}>
                {`${l.quantity} x ${p.titles[l.variantId] ?? l.variantId}: ${money(l.unitMinor * l.quantity)}`}
                {l.discountMinor > 0
                  ? ` - ${money(l.discountMinor * l.quantity)} (line discount) = ${money((l.unitMinor - l.discountMinor) * l.quantity)}`
                  : ""}
                {l.added ? " (added after payment)" : ""}
              </List.Item>
            ))}
          </List>
          {order.staffNotes.map((note) => (
            <Text key={note} as="p" tone="subdued">
              Staff note: {note}
            </Text>
          ))}
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
