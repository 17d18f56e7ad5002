/**
 * The offer editor's unsaved draft, kept in the browser (decision 032): what is stored, how it is
 * read back, and what the page does with it. Pure; `useOfferDraft` (app/components/offer-editor)
 * does the storage and the timing.
 */
import type { OfferForm } from "./form-model";
import { offerFormShape } from "./form-schema";

/** Bumped when the stored shape changes: drafts of another version are ignored, never read. */
export const DRAFT_VERSION = 1;

export interface OfferDraft {
  v: typeof DRAFT_VERSION;
  /** When the merchant last changed the form (ms since the epoch, the browser's clock). */
  savedAt: number;
  /** The saved offer's version the draft was taken from (its updatedAt; "new" for a new offer). */
  base: string;
  form: OfferForm;
  /**
   * Set when the draft was submitted: a save that succeeds redirects with this token, and the page
   * it lands on drops the draft (so a save clears it without trusting either clock).
   */
  token?: string;
}

/** One draft per shop and offer ("new" for an offer not saved yet). */
export const draftKey = (shop: string, offerId: string | null) => `moments:offer-draft:${shop}:${offerId ?? "new"}`;

export const encodeDraft = (draft: OfferDraft): string => JSON.stringify(draft);

/**
 * A stored draft, or null for anything that is not one of this version's: no value, not JSON, another
 * version, or a form that does not fit the form's shape (an older app's). Never throws.
 */
export function decodeDraft(raw: string | null | undefined): OfferDraft | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!json || typeof json !== "object") return null;
  const d = json as Partial<Record<keyof OfferDraft, unknown>>;
  if (d.v !== DRAFT_VERSION || typeof d.savedAt !== "number" || !Number.isFinite(d.savedAt)) return null;
  if (typeof d.base !== "string" || (d.token !== undefined && typeof d.token !== "string")) return null;
  const form = offerFormShape().safeParse(d.form);
  if (!form.success) return null;
  return {
    v: DRAFT_VERSION,
    savedAt: d.savedAt,
    base: d.base,
    form: form.data as OfferForm,
    ...(d.token ? { token: d.token } : {}),
  };
}

export type DraftDecision =
  /** Nothing stored (or nothing readable). */
  | { kind: "none" }
  /** Drop it: the save it was submitted for went through, or it holds nothing unsaved. */
  | { kind: "clear" }
  /** Put it in the form and say so. */
  | { kind: "restore"; draft: OfferDraft }
  /** The offer was saved since the draft was taken: the merchant chooses. */
  | { kind: "ask"; draft: OfferDraft };

/**
 * What the page does with the stored draft. `base`: the offer's version as loaded; `savedToken`: the
 * token of the save that led to this page, if any; `initial`: the form as loaded.
 */
export function decideDraft(
  draft: OfferDraft | null,
  page: { base: string; savedToken: string | null; initial: OfferForm },
): DraftDecision {
  if (!draft) return { kind: "none" };
  if (draft.token && draft.token === page.savedToken) return { kind: "clear" };
  if (sameForm(draft.form, page.initial)) return { kind: "clear" };
  return draft.base === page.base ? { kind: "restore", draft } : { kind: "ask", draft };
}

/** Equal as the form posts them (key order aside: a restored draft went through the shape). */
export function sameForm(a: OfferForm, b: OfferForm): boolean {
  return canonical(a) === canonical(b);
}

function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, e]) => e !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** A token for one submit (not a secret: it only matches a save to its draft). */
export function submitToken(random: () => number = Math.random): string {
  return Array.from({ length: 16 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)]).join("");
}

/** A token as the save's redirect may carry it back (anything else is ignored). */
export const isSubmitToken = (s: unknown): s is string => typeof s === "string" && /^[a-z0-9]{16}$/.test(s);
