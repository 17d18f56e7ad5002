import { InlineStack, Select, TextField } from "@shopify/polaris";
import { typedAmountToMinor } from "~/offers/money";
import type { PreviewBuyer, PreviewContext } from "~/preview/context";

export const BUYER_LABELS: Record<PreviewBuyer, string> = {
  first_time: "First-time buyer",
  returning: "Returning buyer",
};

/**
 * The live preview's sample buyer beyond the cart line: first-time or returning, and the cart's
 * total (the rest of the cart), so segment and cart-value rules can be previewed.
 */
export function BuyerControls(props: {
  ctx: Pick<Required<PreviewContext>, "buyer" | "cartTotal" | "currency">;
  onChange: (field: "buyer" | "cartTotal", value: string) => void;
}) {
  const { buyer, cartTotal, currency } = props.ctx;
  const invalid = cartTotal.trim() !== "" && typedAmountToMinor(cartTotal, currency) === null;
  return (
    <InlineStack gap="200" wrap blockAlign="start">
      <Select
        label="Preview buyer"
        options={Object.entries(BUYER_LABELS).map(([value, label]) => ({ value, label }))}
        value={buyer}
        onChange={(v) => props.onChange("buyer", v)}
      />
      <TextField
        label={`Cart total (${currency})`}
        value={cartTotal}
        onChange={(v) => props.onChange("cartTotal", v)}
        placeholder="The sample cart's"
        helpText={invalid ? undefined : "Empty: the sample cart's own total"}
        error={invalid ? `An amount in ${currency}, like 49.90` : undefined}
        inputMode="decimal"
        autoComplete="off"
      />
    </InlineStack>
  );
}
