import { useEffect, useMemo, useState } from "react";
import { extend, render, type PostPurchaseRenderApi } from "@shopify/post-purchase-ui-extensions-react";
import { BlockStack, Button, CalloutBanner, Heading, Layout, Select, Separator, Text, TextBlock, TextContainer } from "./ui";
import { APP_URL } from "./config";
import { createBackend, createFlow, formatDecimal, formatMinor, readStored, shouldRender, type ChangesetHost, type FlowState } from "./flow";

/** Thin React over ./flow: every decision (render or not, accept, decline, downsell) lives there. */
extend("Checkout::PostPurchase::ShouldRender", (api) => shouldRender(api, createBackend(APP_URL, api.inputData.token)));

render("Checkout::PostPurchase::Render", (api) => <PostPurchaseOffer api={api} />);

export function PostPurchaseOffer({ api }: { api: PostPurchaseRenderApi }) {
  const stored = readStored(api.storage.initialData);
  const flow = useMemo(
    () => (stored ? createFlow(stored.offer, createBackend(APP_URL, api.inputData.token), api as unknown as ChangesetHost) : null),
    // The flow lives as long as the page: it is created once.
    [],
  );
  const [state, setState] = useState<FlowState>(flow ? flow.state : { kind: "done", accepted: 0, reason: "no offer stored" });
  useEffect(() => (flow ? flow.subscribe(setState) : undefined), [flow]);
  const offerKey = state.kind === "offer" ? `${state.offer.offerId}:${state.multiple}` : "";
  useEffect(() => {
    if (!flow || state.kind !== "offer") return;
    void flow.shown();
    void flow.refreshPreview();
    // Re-run when the offer or the quantity changes, not on every busy flag.
  }, [offerKey]);
  useEffect(() => {
    if (!flow) void api.done();
  }, [flow, api]);

  if (!flow || state.kind === "done") return <TextBlock>Thank you!</TextBlock>;
  const { offer, multiple, busy, preview } = state;
  const option = offer.quantities.find((q) => q.multiple === multiple) ?? offer.quantities[0]!;
  const locale = api.inputData.locale || offer.locale;
  const money = (minor: number) => formatMinor(minor, offer.currency, locale, offer.currencyDisplay);
  const decimal = (d: string) => formatDecimal(d, offer.currency, locale, offer.currencyDisplay);

  return (
    <BlockStack spacing="loose">
      <CalloutBanner title={offer.step > 1 ? "One more offer for your order" : "Add this to your order"}>
        <Text>One click, no need to enter your payment details again.</Text>
      </CalloutBanner>
      <Layout maxInlineSize={0.95} media={[{ viewportSize: "small", sizes: [1] }, { viewportSize: "large", sizes: [1] }]}>
        <BlockStack spacing="tight">
          <Heading>{offer.title}</Heading>
          {offer.body ? <TextBlock subdued>{offer.body}</TextBlock> : null}
          <TextContainer>
            {option.savings > 0 ? (
              <Text role="deletion" subdued>
                {money(option.original)}
              </Text>
            ) : null}{" "}
            <Text emphasized size="large">
              {money(option.final)}
            </Text>
          </TextContainer>
          {option.savings > 0 ? <Text appearance="success">You save {money(option.savings)}</Text> : null}
          {offer.quantities.length > 1 ? (
            <Select
              label="Quantity"
              value={String(multiple)}
              options={offer.quantities.map((q) => ({ value: String(q.multiple), label: String(q.multiple) }))}
              onChange={(v) => flow.selectMultiple(Number(v))}
            />
          ) : null}
          <Separator />
          {preview ? (
            <BlockStack spacing="xtight">
              <Text subdued>Shipping: {decimal(preview.shipping)}</Text>
              <Text subdued>Taxes: {decimal(preview.tax)}</Text>
              <Text emphasized>Charged now: {decimal(preview.charged)}</Text>
            </BlockStack>
          ) : (
            <Text subdued>Shipping and taxes are calculated by Shopify before you pay.</Text>
          )}
          <Button onPress={() => void flow.accept()} loading={busy === "accept"} disabled={busy !== null}>
            {offer.cta ?? `Pay now · ${money(option.final)}`}
          </Button>
          <Button subdued onPress={() => void flow.decline()} loading={busy === "decline"} disabled={busy !== null}>
            {offer.decline ?? "Decline this offer"}
          </Button>
        </BlockStack>
      </Layout>
    </BlockStack>
  );
}
