import { InlineStack, Select, TextField } from "@shopify/polaris";
import { typedAmountToMinor } from "~/offers/money";
import type { PreviewBuyer, PreviewContext } from "~/preview/context";
import type { AdminKey } from "~/i18n/catalogue";
import { useT } from "~/i18n/context";

/** The sample buyer kinds, by the catalogue's words. */
export const BUYER_LABELS: Record<PreviewBuyer, AdminKey> = {
  first_time: "preview.firstTime",
  returning: "preview.returning",
};

/**
 * The live preview's sample buyer beyond the cart line: first-time or returning, and the cart's
 * total (the rest of the cart), so segment and cart-value rules can be previewed.
 */
export function BuyerControls(props: {
  ctx: Pick<Required<PreviewContext>, "buyer" | "cartTotal" | "currency">;
  onChange: (field: "buyer" | "cartTotal", value: string) => void;
}) {
  const t = useT();
  const { buyer, cartTotal, currency } = props.ctx;
  const invalid = cartTotal.trim() !== "" && typedAmountToMinor(cartTotal, currency) === null;
  return (
    <InlineStack gap="200" wrap blockAlign="start">
      <Select
        label={t("preview.buyer")}
        options={Object.entries(BUYER_LABELS).map(([value, label]) => ({ value, label: t(label) }))}
        value={buyer}
        onChange={(v) => props.onChange("buyer", v)}
      />
      <TextField
        label={t("preview.cartTotal", { currency })}
        value={cartTotal}
        onChange={(v) => props.onChange("cartTotal", v)}
        placeholder={t("preview.cartTotalPlaceholder")}
        helpText={invalid ? undefined : t("preview.cartTotalHelp")}
        error={invalid ? t("preview.cartTotalError", { currency }) : undefined}
        inputMode="decimal"
        autoComplete="off"
      />
    </InlineStack>
  );
}
