import { useEffect, useState } from "react";
import { BlockStack, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useFormat, useT } from "~/i18n/context";
import type { CatalogKind } from "~/gateway/types";
import { useLatestJson } from "~/lib/use-latest-json";

export interface PickedVariant {
  productId: string;
  variantId: string;
  title: string;
}

interface SearchResult {
  products: Array<{
    id: string;
    title: string;
    vendor: string;
    variants: Array<{ id: string; title: string; prices: Record<string, number> }>;
  }>;
}

/** Demo mode: a searchable list over the demo catalog (there is no App Bridge outside Shopify). */
export function DemoProductPicker(props: {
  label: string;
  actionLabel: string;
  onPick: (v: PickedVariant) => void;
  currency: string;
}) {
  // The newest search wins (an older one in flight is aborted); a save leaving the page aborts it too.
  const search = useLatestJson<SearchResult>();
  const tr = useT();
  const format = useFormat();
  const [q, setQ] = useState("");
  const { run } = search;
  useEffect(() => {
    if (!q.trim()) return;
    const t = setTimeout(() => run(`/app/offers/products?q=${encodeURIComponent(q)}`), 200);
    return () => clearTimeout(t);
  }, [q, run]);
  const products = q.trim() ? (search.data?.products ?? []) : [];
  return (
    <BlockStack gap="200">
      <TextField
        label={props.label}
        value={q}
        onChange={setQ}
        autoComplete="off"
        placeholder={tr("pickers.searchPlaceholder")}
      />
      <div style={{ maxHeight: 220, overflowY: "auto" }}>
        <BlockStack gap="100">
          {products.flatMap((p) =>
            p.variants.map((v) => {
              const title = `${p.title} - ${v.title}`;
              const price = v.prices[props.currency];
              return (
                <InlineStack key={v.id} align="space-between" blockAlign="center" wrap={false}>
                  <Text as="span">
                    {title}
                    {price !== undefined ? ` (${format.money(price, props.currency)})` : ""}
                  </Text>
                  <Button
                    size="slim"
                    accessibilityLabel={tr("pickers.pickNamed", { action: props.actionLabel, title })}
                    onClick={() => props.onPick({ productId: p.id, variantId: v.id, title })}
                  >
                    {props.actionLabel}
                  </Button>
                </InlineStack>
              );
            }),
          )}
          {q.trim() && search.error ? (
            <Text as="p" tone="critical">
              {tr("pickers.searchFailed", { reason: search.error })}
            </Text>
          ) : null}
          {q.trim() && !search.loading && !search.error && search.data && products.length === 0 ? (
            <Text as="p" tone="subdued">
              {tr("pickers.noProduct")}
            </Text>
          ) : null}
        </BlockStack>
      </div>
    </BlockStack>
  );
}

/** Real mode: App Bridge's resource picker over the shop's catalog. */
export function ShopifyProductPicker(props: { label: string; onPick: (v: PickedVariant) => void }) {
  const shopify = useAppBridge();
  const pick = async () => {
    const selection = await shopify.resourcePicker({ type: "product", multiple: true, action: "add" });
    for (const p of selection ?? []) {
      const product = p as unknown as { id: string; title: string; variants?: Array<{ id?: string; title?: string }> };
      const v = product.variants?.[0];
      if (v?.id) props.onPick({ productId: product.id, variantId: v.id, title: `${product.title} - ${v.title ?? ""}` });
    }
  };
  return <Button onClick={() => void pick()}>{props.label}</Button>;
}

/**
 * The picker for the shop's catalog: the demo store's search, or App Bridge's resource picker
 * (the gateway's `kind`, decided once by gatewayForShop).
 */
export function ProductPicker(props: {
  catalog: CatalogKind;
  label: string;
  actionLabel: string;
  onPick: (v: PickedVariant) => void;
  currency: string;
}) {
  const { catalog, ...picker } = props;
  return catalog === "demo" ? (
    <DemoProductPicker {...picker} />
  ) : (
    <ShopifyProductPicker label={picker.label} onPick={picker.onPick} />
  );
}
