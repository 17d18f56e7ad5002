import { useCallback, useMemo, useRef, useState } from "react";
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
import { useOfferDraft, type DraftPage, type OfferDraftState } from "./offer-editor/useOfferDraft";
import { DraftBanner } from "./offer-editor/DraftBanner";
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
  /** Where the unsaved draft is kept (the shop, the offer's loaded version, the save's token). */
  draft: Omit<DraftPage, "offerId">;
  /** The shop's price floor, % of the item's price (Settings; decision 032). */
  priceFloorPercent: number;
  /** `draftToken`: for the save's redirect to name, so the page it lands on drops the draft. */
  onSave: (form: OfferForm, draftToken: string) => void;
}

/** Price errors follow the form live (from the preview's validation), not only the last save's. */
const isPriceField = (key: string) =>
  key.startsWith("discount.") || /^experiment\.variants\.\d+\.discountPercent$/.test(key);
const pick = (errors: FieldErrors, keep: boolean) =>
  Object.fromEntries(Object.entries(errors).filter(([k]) => isPriceField(k) === keep));

/** The offer editor: the form's cards on the left, the live preview beside them. */
export function OfferEditor(props: OfferEditorProps) {
  const t = useT();
  const draftRef = useRef<OfferDraftState | null>(null);
  const { form, fields, submit, replace } = useOfferForm(props.initial, (f) =>
    props.onSave(f, draftRef.current!.submitted(f)),
  );
  const draft = useOfferDraft({ ...props.draft, offerId: props.offerId }, form, props.initial, replace);
  draftRef.current = draft;
  // Whichever came last wins for the price fields: the save's answer, or the preview's for the form
  // as it is now (a preview answered before the save's must not hide the save's error).
  const order = useRef(0);
  const saved = useMemo(() => ({ errors: props.errors, at: ++order.current }), [props.errors]);
  const [live, setLive] = useState<{ errors: FieldErrors; at: number } | null>(null);
  const onLive = useCallback((e: FieldErrors) => setLive({ errors: e, at: ++order.current }), []);
  const { currencies } = props;
  const errors =
    live && live.at > saved.at ? { ...pick(props.errors, false), ...pick(live.errors, true) } : props.errors;
  const card = { form, errors, fields };
  const currency0 = currencies[0] ?? "EUR";
  return (
    <TwoColumn
      stickySide
      main={
        <form onSubmit={submit}>
          <BlockStack gap="400">
            <DraftBanner state={draft} />
            {Object.keys(props.errors).length ? (
              <Banner tone="critical" title={t("common.notSavedTitle")}>
                <p>{t("common.fixFields")}</p>
              </Banner>
            ) : null}
            <BasicsCard {...card} />
            <MomentsCard {...card} isPlus={props.isPlus} />
            <ProductsCard {...card} catalog={props.catalog} currency={currency0} />
            <PriceCard {...card} currencies={currencies} priceFloorPercent={props.priceFloorPercent} />
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
          onErrors={onLive}
        />
      }
    />
  );
}
