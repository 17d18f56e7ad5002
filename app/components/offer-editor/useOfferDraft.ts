import { useCallback, useEffect, useRef, useState } from "react";
import type { OfferForm } from "~/offers/form";
import {
  decideDraft,
  decodeDraft,
  draftKey,
  encodeDraft,
  sameForm,
  submitToken,
  DRAFT_VERSION,
  type OfferDraft,
} from "~/offers/draft";

/** How long the form must be still before the draft is written. */
const WRITE_DEBOUNCE_MS = 400;

export interface DraftPage {
  /** The shop's domain: drafts of two shops opened in one browser never mix. */
  shop: string;
  offerId: string | null;
  /** The offer's version as loaded (its updatedAt; "new"). */
  base: string;
  /** The token of the save that led to this page (`?draft=`), if any. */
  savedToken: string | null;
}

export type DraftNotice =
  | { kind: "restored"; savedAt: number }
  /** `base`: the saved offer's version (updatedAt) that is newer than the draft. */
  | { kind: "stale"; savedAt: number; base: string };

export interface OfferDraftState {
  notice: DraftNotice | null;
  /** Back to the saved offer: the draft is dropped. */
  discard: () => void;
  /** The merchant keeps a draft taken before the offer was last saved. */
  restore: () => void;
  /** Writes the draft at once with a token for the save's redirect to name; returns the token. */
  submitted: (form: OfferForm) => string;
}

/** localStorage, or nothing where it cannot be used (disabled, private mode, full, server). */
function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}
const read = (key: string) => {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
};
const write = (key: string, value: string | null) => {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // A full or disabled storage keeps no draft; the editor itself goes on working.
  }
};

/**
 * Keeps the offer editor's unsaved form in the browser: written as the merchant types (debounced,
 * and at once when the page is left), restored when the page opens again, dropped on discard and
 * when the save it was submitted for succeeds. A draft taken before the offer was saved elsewhere
 * is only offered: the form keeps the saved offer until the merchant chooses.
 */
export function useOfferDraft(
  page: DraftPage,
  form: OfferForm,
  initial: OfferForm,
  apply: (form: OfferForm) => void,
): OfferDraftState {
  const key = draftKey(page.shop, page.offerId);
  const [notice, setNotice] = useState<DraftNotice | null>(null);
  // The stale draft while the merchant has not chosen: the form's changes are not written over it.
  const waiting = useRef<OfferDraft | null>(null);
  const ready = useRef(false);
  const written = useRef<OfferForm>(initial);
  const token = useRef<string | undefined>(undefined);
  const pending = useRef<(() => void) | null>(null);

  const store = useCallback(
    (f: OfferForm) => {
      written.current = f;
      if (sameForm(f, initial)) return write(key, null);
      const draft: OfferDraft = { v: DRAFT_VERSION, savedAt: Date.now(), base: page.base, form: f };
      if (token.current) draft.token = token.current;
      write(key, encodeDraft(draft));
    },
    [key, initial, page.base],
  );

  // Once, after hydration (the server has no storage): restore, offer or drop what is stored.
  useEffect(() => {
    const newKey = draftKey(page.shop, null);
    // A new offer's draft was stored under "new": the save that created this offer drops it.
    if (page.offerId && page.savedToken && decodeDraft(read(newKey))?.token === page.savedToken) write(newKey, null);
    const decision = decideDraft(decodeDraft(read(key)), { base: page.base, savedToken: page.savedToken, initial });
    if (decision.kind === "clear" || (decision.kind === "none" && read(key) !== null)) write(key, null);
    else if (decision.kind === "restore") {
      written.current = decision.draft.form;
      apply(decision.draft.form);
      setNotice({ kind: "restored", savedAt: decision.draft.savedAt });
    } else if (decision.kind === "ask") {
      waiting.current = decision.draft;
      setNotice({ kind: "stale", savedAt: decision.draft.savedAt, base: page.base });
    }
    ready.current = true;
    // Mount only: the editor is keyed by the offer's version, so a new version remounts it.
  }, []);

  useEffect(() => {
    if (!ready.current || waiting.current || form === written.current) return;
    const flush = () => {
      pending.current = null;
      store(form);
    };
    pending.current = flush;
    const timer = setTimeout(flush, WRITE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [form, store]);

  // Leaving or reloading within the debounce still keeps the last keystrokes.
  useEffect(() => {
    const now = () => pending.current?.();
    window.addEventListener("pagehide", now);
    return () => {
      window.removeEventListener("pagehide", now);
      now();
    };
  }, []);

  const discard = useCallback(() => {
    waiting.current = null;
    pending.current = null;
    written.current = initial;
    write(key, null);
    apply(initial);
    setNotice(null);
  }, [key, initial, apply]);

  const restore = useCallback(() => {
    const draft = waiting.current;
    if (!draft) return;
    waiting.current = null;
    // Chosen over the newer saved offer: from now on a draft of this version.
    store(draft.form);
    apply(draft.form);
    setNotice({ kind: "restored", savedAt: draft.savedAt });
  }, [apply, store]);

  const submitted = useCallback(
    (f: OfferForm) => {
      token.current = submitToken();
      pending.current = null;
      // A stale draft not chosen is saved over: the merchant saves the form as shown.
      waiting.current = null;
      store(f);
      return token.current;
    },
    [store],
  );

  return { notice, discard, restore, submitted };
}
