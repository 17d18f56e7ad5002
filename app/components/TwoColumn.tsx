import type { ReactNode } from "react";

const CSS = `.moments-2col{display:grid;grid-template-columns:minmax(0,1fr);gap:var(--p-space-400)}
@media (min-width:1040px){.moments-2col{grid-template-columns:minmax(0,2fr) minmax(300px,1fr);align-items:start}
.moments-2col__side--sticky{position:sticky;top:var(--p-space-400)}}`;

/**
 * A main column and a side column. A CSS grid rather than Polaris Layout: the column widths do
 * not depend on the side column having arrived yet, so the streamed page does not shift when it
 * does (layout shift counts against CLS, which Built for Shopify measures).
 */
export function TwoColumn(props: { main: ReactNode; side: ReactNode; stickySide?: boolean }) {
  return (
    <div className="moments-2col">
      <style>{CSS}</style>
      <div>{props.main}</div>
      <div className={props.stickySide ? "moments-2col__side--sticky" : undefined}>{props.side}</div>
    </div>
  );
}
