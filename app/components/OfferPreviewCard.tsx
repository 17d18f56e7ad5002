import { formatMoney } from "~/lib/money";
import type { PreviewCard } from "~/preview/preview.server";

export type OfferPreviewCardProps = Omit<PreviewCard, "design">;

/**
 * The offer as the checkout block renders it: headline, text, items, price with the original
 * struck through, savings, the accept button and a visible decline. Plain HTML (not Polaris): it
 * imitates the buyer-facing surface, not the admin.
 */
export function OfferPreviewCard(props: OfferPreviewCardProps & { mobile: boolean }) {
  const money = (minor: number) => formatMoney(minor, props.currency, props.locale, props.currencyDisplay);
  return (
    <div
      data-testid="offer-preview-card"
      lang={props.locale}
      style={{
        border: "1px solid #d9d9d9",
        borderRadius: 8,
        padding: 16,
        background: "#fff",
        color: "#1a1a1a",
        fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif",
        maxWidth: props.mobile ? 360 : 560,
        margin: "0 auto",
      }}
    >
      <p style={{ fontWeight: 600, fontSize: 16, margin: "0 0 4px" }}>{props.title}</p>
      {props.body ? <p style={{ margin: "0 0 8px", fontSize: 14 }}>{props.body}</p> : null}
      <ul style={{ margin: "0 0 8px", paddingLeft: 18, fontSize: 14 }}>
        {props.lines.map((l) => (
          <li key={l.title}>
            {l.quantity} x {l.title}
          </li>
        ))}
      </ul>
      <p style={{ margin: "0 0 8px", fontSize: 15 }}>
        <strong data-testid="preview-final-price">{money(props.final)}</strong>{" "}
        {props.savings > 0 ? (
          <>
            <s aria-label={`was ${money(props.original)}`}>{money(props.original)}</s>{" "}
            <span style={{ color: "#0b6e4f" }}>You save {money(props.savings)}</span>
          </>
        ) : null}
      </p>
      <div style={{ display: "flex", gap: 8, flexDirection: props.mobile ? "column" : "row" }}>
        <button
          type="button"
          style={{
            background: "#1a1a1a",
            color: "#fff",
            border: 0,
            borderRadius: 6,
            padding: "10px 16px",
            fontSize: 14,
          }}
        >
          {props.cta}
        </button>
        <button
          type="button"
          style={{
            background: "transparent",
            color: "#1a1a1a",
            border: "1px solid #8a8a8a",
            borderRadius: 6,
            padding: "10px 16px",
            fontSize: 14,
          }}
        >
          {props.decline}
        </button>
      </div>
    </div>
  );
}
