type Attrs = Record<string, string | boolean | undefined | ((e: Event) => void)>;

/** A minimal element builder: text children are set as text, never parsed as HTML. */
export function h(
  tag: string,
  attrs: Attrs = {},
  ...children: Array<Node | string | false | undefined | null | "">
): HTMLElement {
  const el = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (typeof v === "function") el.addEventListener(k, v);
    else if (v === true) el.setAttribute(k, "");
    else if (typeof v === "string") el.setAttribute(k, v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

const FOCUSABLE = "button,[href],input,select,textarea,[tabindex]:not([tabindex='-1'])";

export interface Dialog {
  el: HTMLElement;
  close: (reason: "decline" | "dismiss" | "accept") => void;
}

/**
 * A modal dialog (role=dialog, aria-modal, labelled by its heading): Tab cycles inside it,
 * Escape closes it, and focus goes back to what had it before. `drawer` slides in from the side
 * instead of centring. Fixed positioning: the page behind never moves (no layout shift).
 */
export function openDialog(
  content: HTMLElement[],
  opts: {
    labelledBy: string;
    describedBy?: string;
    drawer?: boolean;
    closeLabel: string;
    onClose?: (reason: "decline" | "dismiss" | "accept") => void;
  },
): Dialog {
  const opener = document.activeElement as HTMLElement | null;
  const close = (reason: "decline" | "dismiss" | "accept") => {
    if (!root.isConnected) return;
    root.remove();
    document.removeEventListener("keydown", onKey, true);
    opts.onClose?.(reason);
    if (opener && opener.isConnected && opener.focus) opener.focus();
  };
  const box = h(
    "div",
    {
      class: "moments-dialog" + (opts.drawer ? " moments-drawer" : ""),
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": opts.labelledBy,
      "aria-describedby": opts.describedBy,
      tabindex: "-1",
    },
    h(
      "button",
      { type: "button", class: "moments-x", "aria-label": opts.closeLabel, click: () => close("dismiss") },
      "\u00d7",
    ),
    ...content,
  );
  const root = h("div", { class: "moments-overlay", click: (e) => e.target === root && close("dismiss") }, box);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close("dismiss");
    } else if (e.key === "Tab") {
      const f = Array.from(box.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = f[0]!;
      const last = f[f.length - 1]!;
      const at = document.activeElement;
      if (!box.contains(at)) {
        e.preventDefault();
        first.focus();
      } else if (e.shiftKey && (at === first || at === box)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && at === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  document.addEventListener("keydown", onKey, true);
  document.body.append(root);
  // The first action (not the close button) takes focus, so Enter accepts and Tab reaches "No thanks".
  (box.querySelector<HTMLElement>(".moments-accept") ?? box).focus();
  return { el: box, close };
}
