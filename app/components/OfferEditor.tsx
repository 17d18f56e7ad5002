import { Banner, BlockStack, Button, InlineStack } from "@shopify/polaris";
import type { DownsellChoice, FieldErrors, OfferForm } from "~/offers/form";
import type { PreviewResult } from "~/preview/preview.server";
import type { ExperimentStatusView } from "~/experiments/status";
import type { CollectionSummary } from "~/gateway/types";
import { TwoColumn } from "./TwoColumn";
import { BasicsCard } from "./offer-editor/BasicsCard";
import { CopyCard } from "./offer-editor/CopyCard";
import { DesignCard } from "./offer-editor/DesignCard";
import { DownsellCard } from "./offer-editor/DownsellCard";
import { ExperimentCard } from "./offer-editor/ExperimentCard";
import { LivePreview } from "./offer-editor/LivePreview";
import { MomentsCard } from "./offer-editor/MomentsCard";
import { PriceCard } from "./offer-editor/PriceCard";
import { ProductsCard } from "./offer-editor/ProductsCard";
import { TargetingCard } from "./offer-editor/TargetingCard";
import { useOfferForm } from "./offer-editor/useOfferForm";
import { useT } from "~/i18n/context";
import type { CatalogKind } from "~/gateway/types";

export interface OfferEditorProps {
  offerId: string | null;
  initial: OfferForm;
  errors: FieldErrors;
  currencies: string[];
  carts: Array<{ value: string; label: string }>;
  /** The shop's collections, for the trigger collections picker. */
  collections: CollectionSummary[];
  /** Whose catalog the product pickers search (ShopGateway.kind). */
  catalog: CatalogKind;
  isPlus: boolean;
  submitting: boolean;
  /** The offer was saved with a design that is not a layout (read as the default), in plain words. */
  designNotice?: string | null;
  /** The shop's other offers, for "When declined, show" (decision 027). */
  downsells: DownsellChoice[];
  /** The preview for the default sample buyer, computed with the page. */
  initialPreview: PreviewResult | null;
  /** The saved experiment's status as shown (paused while the offer is not live); null for none. */
  experimentStatus?: ExperimentStatusView | null;
  onSave: (form: OfferForm) => void;
}

/** The offer editor: the form's cards on the left, the live preview beside them. */
export function OfferEditor(props: OfferEditorProps) {
  const t = useT();
  const { form, fields, submit } = useOfferForm(props.initial, props.onSave);
  const { errors, currencies } = props;
  const card = { form, errors, fields };
  const currency0 = currencies[0] ?? "EUR";
  return (
    <TwoColumn
      stickySide
      main={
        <form onSubmit={submit}>
          <BlockStack gap="400">
            {Object.keys(errors).length ? (
              <Banner tone="critical" title={t("common.notSavedTitle")}>
                <p>{t("common.fixFields")}</p>
              </Banner>
            ) : null}
            <BasicsCard {...card} />
            <MomentsCard {...card} isPlus={props.isPlus} />
            <ProductsCard {...card} catalog={props.catalog} currency={currency0} />
            <PriceCard {...card} currencies={currencies} />
            <CopyCard {...card} />
            <DesignCard {...card} notice={props.designNotice} />
            <TargetingCard
              {...card}
              currencies={currencies}
              collections={props.collections}
              catalog={props.catalog}
              currency={currency0}
            />
            <ExperimentCard {...card} status={props.experimentStatus} />
            <DownsellCard {...card} choices={props.downsells} />
            <InlineStack align="end">
              <Button variant="primary" submit loading={props.submitting}>
                {t("editor.save")}
              </Button>
            </InlineStack>
          </BlockStack>
        </form>
      }
      side={
        <LivePreview
          offerId={props.offerId}
          form={form}
          carts={props.carts}
          currencies={currencies}
          initial={props.initialPreview}
        />
      }
    />
  );
}
