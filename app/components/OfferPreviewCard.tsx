import { useState, type CSSProperties, type ReactNode } from "react";
import type { Design } from "@moments/engine";
import { formatMoney } from "~/lib/money";
import type { PreviewCard } from "~/preview/preview.server";

export type OfferPreviewCardProps = Omit<PreviewCard, "design" | "image"> & {
  /** The layout (decision 024); absent = "card". */
  design?: Design | null;
  /** The product image's URL; absent, or failing to load, the layout shows without it. */
  image?: string | null;
  /** Working controls in place of the card's inert accept and decline buttons (demo pages). */
  actions?: ReactNode;
};

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif";
const button = (primary: boolean, extra: CSSProperties = {}): CSSProperties => ({
  background: primary ? "#1a1a1a" : "transparent",
  color: primary ? "#fff" : "#1a1a1a",
  border: primary ? 0 : "1px solid #8a8a8a",
  borderRadius: 6,
  padding: "10px 16px",
  fontSize: 14,
  fontFamily: FONT,
  cursor: "pointer",
  ...extra,
});

/** The product image; a URL that fails to load removes it (the offer still reads without it). */
function Picture({ src, alt, style }: { src: string | null | undefined; alt: string; style: CSSProperties }) {
  const [broken, setBroken] = useState<string | null>(null);
  if (!src || broken === src) return null;
  return (
    <img
      data-testid="offer-preview-image"
      src={src}
      alt={alt}
      style={style}
      onError={() => setBroken(src)}
      // Failed before hydration attached onError (server-rendered page).
      ref={(el) => {
        if (el && el.complete && el.naturalWidth === 0) setBroken(src);
      }}
    />
  );
}

/**
 * The offer as the buyer-facing surfaces render it, in its layout: `card` (the image beside the
 * headline, text, items and price), `compact` (one line: thumbnail, headline, price, actions) or
 * `banner` (a wide image above a bold headline on a tinted panel). Plain HTML (not Polaris): it
 * imitates the buyer-facing surface, not the admin.
 */
export function OfferPreviewCard(props: OfferPreviewCardProps & { mobile: boolean }) {
  const design = props.design ?? "card";
  const money = (minor: number) => formatMoney(minor, props.currency, props.locale, props.currencyDisplay);
  const alt = props.lines[0]?.title ?? props.title;
  const price = (size: number) => (
    <p style={{ margin: 0, fontSize: size }}>
      <strong data-testid="preview-final-price">{money(props.final)}</strong>{" "}
      {props.savings > 0 ? (
        <>
          <s aria-label={`was ${money(props.original)}`} style={{ color: "#616161" }}>
            {money(props.original)}
          </s>{" "}
          {design === "compact" ? null : <span style={{ color: "#0b6e4f" }}>You save {money(props.savings)}</span>}
        </>
      ) : null}
    </p>
  );
  const items =
    props.lines.length > 1 || (props.lines.length === 1 && design !== "compact") ? (
      <ul style={{ margin: 0, paddingLeft: 18, fontSize: 13, color: "#4a4a4a" }}>
        {props.lines.map((l) => (
          <li key={l.title}>
            {l.quantity} x {l.title}
          </li>
        ))}
      </ul>
    ) : null;
  const frame = (children: ReactNode, extra: CSSProperties = {}) => (
    <div
      data-testid="offer-preview-card"
      data-design={design}
      lang={props.locale}
      style={{
        border: "1px solid #d9d9d9",
        borderRadius: 10,
        background: "#fff",
        color: "#1a1a1a",
        fontFamily: FONT,
        maxWidth: props.mobile ? 360 : 560,
        margin: "0 auto",
        boxSizing: "border-box",
        ...extra,
      }}
    >
      {children}
    </div>
  );

  if (design === "compact")
    return frame(
      <div style={{ display: "flex", alignItems: "center", gap: 12, flexWrap: props.mobile ? "wrap" : "nowrap" }}>
        <Picture
          src={props.image}
          alt={alt}
          style={{
            width: 48,
            height: 48,
            objectFit: "cover",
            borderRadius: 6,
            border: "1px solid #e3e3e3",
            flex: "none",
          }}
        />
        <div style={{ flex: "1 1 140px", minWidth: 0 }}>
          <h3
            style={{
              fontWeight: 600,
              fontSize: 14,
              margin: "0 0 2px",
              overflow: "hidden",
              textOverflow: "ellipsis",
              whiteSpace: "nowrap",
            }}
          >
            {props.title}
          </h3>
          {price(14)}
        </div>
        <div style={{ display: "flex", gap: 8, alignItems: "center", flex: "none" }}>
          {props.actions ?? (
            <>
              <button type="button" style={button(true, { padding: "8px 14px" })}>
                {props.cta}
              </button>
              <button
                type="button"
                style={button(false, { border: 0, padding: "8px 6px", textDecoration: "underline" })}
              >
                {props.decline}
              </button>
            </>
          )}
        </div>
      </div>,
      { padding: 12 },
    );

  const actions = (full: boolean) =>
    props.actions ?? (
      <div style={{ display: "flex", gap: 8, flexDirection: props.mobile || full ? "column" : "row" }}>
        <button type="button" style={button(true, full ? { padding: "12px 16px", fontSize: 15, fontWeight: 600 } : {})}>
          {props.cta}
        </button>
        <button type="button" style={button(false)}>
          {props.decline}
        </button>
      </div>
    );

  if (design === "banner")
    return frame(
      <>
        <div style={{ background: "#eef1f6", display: "flex", justifyContent: "center" }}>
          <Picture
            src={props.image}
            alt={alt}
            style={{ display: "block", height: props.mobile ? 150 : 190, width: "100%", objectFit: "contain" }}
          />
        </div>
        <div style={{ padding: 18, display: "flex", flexDirection: "column", gap: 10 }}>
          <h3 style={{ fontWeight: 700, fontSize: 21, lineHeight: 1.25, margin: 0 }}>{props.title}</h3>
          {props.body ? <p style={{ margin: 0, fontSize: 15, color: "#303030" }}>{props.body}</p> : null}
          {items}
          {price(17)}
          {actions(true)}
        </div>
      </>,
      { overflow: "hidden", border: "2px solid #1a1a1a" },
    );

  return frame(
    <div style={{ display: "flex", gap: 16, alignItems: "flex-start" }}>
      <Picture
        src={props.image}
        alt={alt}
        style={{
          width: props.mobile ? 72 : 96,
          height: props.mobile ? 72 : 96,
          objectFit: "cover",
          borderRadius: 8,
          border: "1px solid #e3e3e3",
          flex: "none",
        }}
      />
      <div style={{ flex: 1, minWidth: 0, display: "flex", flexDirection: "column", gap: 8 }}>
        <h3 style={{ fontWeight: 600, fontSize: 16, margin: 0 }}>{props.title}</h3>
        {props.body ? <p style={{ margin: 0, fontSize: 14, color: "#303030" }}>{props.body}</p> : null}
        {items}
        {price(15)}
        {actions(false)}
      </div>
    </div>,
    { padding: 16 },
  );
}
