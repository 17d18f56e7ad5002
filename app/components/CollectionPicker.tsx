import { useEffect, useState } from "react";
import { Autocomplete, BlockStack, InlineStack, Tag } from "@shopify/polaris";
import type { CollectionSummary } from "~/gateway/types";
import { useT } from "~/i18n/context";
import { useLatestJson } from "~/lib/use-latest-json";

/** The most collections the offer page loads; a full page means the shop may have more. */
export const COLLECTIONS_PAGE = 100;

/**
 * Trigger collections: a searchable multi-select over the shop's collections (loaded with the
 * page; a shop with more than a page of them is also searched on the server). Ids that are not in
 * the list, e.g. a collection deleted since the offer was saved, stay selected and show as their
 * id, so saving the form never drops them silently.
 */
export function CollectionPicker(props: {
  label: string;
  collections: readonly CollectionSummary[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string;
}) {
  const tr = useT();
  const [input, setInput] = useState("");
  // The newest search wins (an older one in flight is aborted); a save leaving the page aborts it too.
  const search = useLatestJson<{ collections: CollectionSummary[] }>();
  const { run } = search;
  const partial = props.collections.length >= COLLECTIONS_PAGE;
  const q = input.trim().toLowerCase();
  useEffect(() => {
    if (!partial || !q) return;
    const t = setTimeout(() => run(`/app/offers/collections?q=${encodeURIComponent(q)}`), 250);
    return () => clearTimeout(t);
  }, [partial, q, run]);
  const found = partial && q ? (search.data?.collections ?? []) : [];
  const known = new Map([...props.collections, ...found].map((c) => [c.id, c.title]));
  // Titles of collections picked from a server search stay known after the search changes.
  const [picked, setPicked] = useState<Record<string, string>>({});
  const titles = (id: string) => known.get(id) ?? picked[id];
  const options = [
    ...props.collections.filter((c) => !q || c.title.toLowerCase().includes(q)),
    ...found.filter((c) => !props.collections.some((x) => x.id === c.id)),
  ].map((c) => ({ value: c.id, label: c.title }));
  const selected = [...props.selected];
  return (
    <BlockStack gap="200">
      <Autocomplete
        allowMultiple
        options={options}
        selected={selected}
        onSelect={(ids) => {
          setPicked((p) => ({ ...p, ...Object.fromEntries(found.map((c) => [c.id, c.title])) }));
          props.onChange(ids);
        }}
        loading={partial && !!q && search.loading}
        emptyState={
          <p style={{ padding: 8 }}>
            {props.collections.length ? tr("pickers.noCollection") : tr("pickers.noCollections")}
          </p>
        }
        textField={
          <Autocomplete.TextField
            label={props.label}
            value={input}
            onChange={setInput}
            placeholder={tr("pickers.searchCollections")}
            helpText={
              partial && q && search.error
                ? tr("pickers.collectionsSearchFailed", { count: COLLECTIONS_PAGE, reason: search.error })
                : tr("pickers.collectionsHelp")
            }
            autoComplete="off"
            error={props.error}
          />
        }
      />
      {selected.length ? (
        <InlineStack gap="100" wrap>
          {selected.map((id) => (
            <Tag key={id} onRemove={() => props.onChange(selected.filter((x) => x !== id))}>
              {titles(id) ?? id}
            </Tag>
          ))}
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}
