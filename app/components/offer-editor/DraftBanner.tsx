import { Banner } from "@shopify/polaris";
import { useAdminLocale, useT } from "~/i18n/context";
import type { OfferDraftState } from "./useOfferDraft";

/**
 * The draft restored from the browser, or one that was not because the offer was saved since. Shown
 * only after hydration (the draft lives in the browser), so the times are the merchant's own.
 */
export function DraftBanner({ state }: { state: OfferDraftState }) {
  const t = useT();
  const { intl } = useAdminLocale();
  const n = state.notice;
  if (!n) return null;
  const when = (ms: number) => new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeStyle: "short" }).format(ms);
  if (n.kind === "restored")
    return (
      <Banner
        tone="info"
        title={t("editor.draft.restoredTitle", { time: when(n.savedAt) })}
        action={{ content: t("editor.draft.discard"), onAction: state.discard }}
      >
        <p>{t("editor.draft.restored")}</p>
      </Banner>
    );
  const saved = Date.parse(n.base);
  return (
    <Banner
      tone="warning"
      title={t("editor.draft.staleTitle", { time: when(n.savedAt) })}
      action={{ content: t("editor.draft.restore"), onAction: state.restore }}
      secondaryAction={{ content: t("editor.draft.discard"), onAction: state.discard }}
    >
      <p>{t("editor.draft.stale", { saved: Number.isFinite(saved) ? when(saved) : n.base })}</p>
    </Banner>
  );
}
