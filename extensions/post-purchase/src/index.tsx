import { useEffect, useMemo, useState } from "react";
import { extend, render, type PostPurchaseRenderApi } from "@shopify/post-purchase-ui-extensions-react";
import { BlockStack, Button, CalloutBanner, Heading, Select, Separator, Text, TextBlock, TextContainer } from "./ui";
import { OfferLayout } from "./layout";
import { APP_URL } from "./config";
import {
  createBackend,
  createFlow,
  formatDecimal,
  formatMinor,
  readStored,
  shouldRender,
  type ChangesetHost,
  type FlowState,
} from "./flow";
import { buyerStrings } from "./i18n";

/** Thin React over ./flow: every decision (render or not, accept, decline, downsell) lives there. */
extend("Checkout::PostPurchase::ShouldRender", (api) => shouldRender(api, createBackend(APP_URL, api.inputData.token)));

render("Checkout::PostPurchase::Render", (api) => <PostPurchaseOffer api={api} />);

export function PostPurchaseOffer({ api }: { api: PostPurchaseRenderApi }) {
  const stored = readStored(api.storage.initialData);
  const flow = useMemo(
    () =>
      stored
        ? createFlow(stored.offer, createBackend(APP_URL, api.inputData.token), api as unknown as ChangesetHost)
        : null,
    // The flow lives as long as the page: it is created once.
    [],
  );
  const [state, setState] = useState<FlowState>(
    flow ? flow.state : { kind: "done", accepted: 0, reason: "no offer stored" },
  );
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

  // Fixed strings and money in the buyer's locale (Shopify's "checkout customer locale"); the
  // offer's copy arrives already in the locale the engine picked for it.
  const { t, intl } = buyerStrings(api.inputData.locale || api.locale || stored?.offer.locale);
  if (!flow || state.kind === "done") return <TextBlock>{t("offer.thankYou")}</TextBlock>;
  const { offer, multiple, busy, preview } = state;
  const option = offer.quantities.find((q) => q.multiple === multiple) ?? offer.quantities[0]!;
  const money = (minor: number) => formatMinor(minor, offer.currency, intl, offer.currencyDisplay);
  const decimal = (d: string) => formatDecimal(d, offer.currency, intl, offer.currencyDisplay);

  return (
    <BlockStack spacing="loose">
      <CalloutBanner title={t(offer.step > 1 ? "offer.headlineNext" : "offer.headline")}>
        <Text>{t("offer.oneClick")}</Text>
      </CalloutBanner>
      <OfferLayout offer={offer}>
        <BlockStack spacing="tight">
          <Heading>{offer.title}</Heading>
          {offer.body && offer.design !== "compact" ? <TextBlock subdued>{offer.body}</TextBlock> : null}
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
          {option.savings > 0 ? (
            <Text appearance="success">{t("offer.youSave", { amount: money(option.savings) })}</Text>
          ) : null}
          {offer.quantities.length > 1 ? (
            <Select
              label={t("offer.quantity")}
              value={String(multiple)}
              options={offer.quantities.map((q) => ({ value: String(q.multiple), label: String(q.multiple) }))}
              onChange={(v) => flow.selectMultiple(Number(v))}
            />
          ) : null}
          <Separator />
          {preview ? (
            <BlockStack spacing="xtight">
              <Text subdued>{t("offer.shipping", { amount: decimal(preview.shipping) })}</Text>
              <Text subdued>{t("offer.taxes", { amount: decimal(preview.tax) })}</Text>
              <Text emphasized>{t("offer.chargedNow", { amount: decimal(preview.charged) })}</Text>
            </BlockStack>
          ) : (
            <Text subdued>{t("offer.calculatedBeforePaying")}</Text>
          )}
          <Button onPress={() => void flow.accept()} loading={busy === "accept"} disabled={busy !== null}>
            {offer.cta ?? t("offer.payNow", { amount: money(option.final) })}
          </Button>
          <Button subdued onPress={() => void flow.decline()} loading={busy === "decline"} disabled={busy !== null}>
            {offer.decline ?? t("offer.decline")}
          </Button>
        </BlockStack>
      </OfferLayout>
    </BlockStack>
  );
}
