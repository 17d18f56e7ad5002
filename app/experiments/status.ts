/**
 * An experiment's status as the admin shows it. The experiment row keeps its own lifecycle (draft,
 * running, stopped, archived: the merchant's experiment commands); pausing, archiving or drafting
 * its offer does not touch it, because nothing about the experiment changed: the engine shows an
 * inactive offer to nobody, so no buyer is exposed or held out meanwhile. A running experiment of
 * an offer that is not live therefore reads "paused", derived here from the offer's status, and
 * resuming the offer resumes it in the same version (a version starts over only when what buyers
 * see changes: app/offers/versions.ts).
 */
export interface ExperimentStatusView {
  /** "draft", "running", "paused", "stopped" or "archived" ("deleted" for data of a removed experiment). */
  status: string;
  /** Polaris Badge tone. */
  tone: "success" | "attention" | "info" | undefined;
  /** What the status means for buyers, when that is not obvious; null otherwise. */
  note: string | null;
  /**
   * The note as a key of the admin's catalogue (`experimentNotes.<key>`, decision 028), with the
   * offer's status it names (`offerNotLive`): pages say it in the merchant's language.
   */
  noteKey: "offerPaused" | "offerArchived" | "offerDraft" | "offerNotLive" | "startsWhenLive" | null;
  offerStatus?: string;
}

const NOTE_KEYS: Record<string, ExperimentStatusView["noteKey"]> = {
  paused: "offerPaused",
  archived: "offerArchived",
  draft: "offerDraft",
};

const OFFER_NOT_LIVE: Record<string, string> = {
  paused: "its offer is paused",
  archived: "its offer is archived",
  draft: "its offer is a draft",
};

/** `experiment`: Experiment.status; `offer`: Offer.status (absent: read as live). */
export function experimentStatusView(experiment: string, offer?: string | null): ExperimentStatusView {
  if (experiment === "running" && offer && offer !== "active") {
    const why = OFFER_NOT_LIVE[offer] ?? `its offer is ${offer}`;
    return {
      status: "paused",
      tone: "attention",
      note: `Paused because ${why}: no buyer sees the offer or is held out. When the offer is live again, the experiment goes on in the same version.`,
      noteKey: NOTE_KEYS[offer] ?? "offerNotLive",
      offerStatus: offer,
    };
  }
  if (experiment === "draft")
    return {
      status: "draft",
      tone: "info",
      note: "Starts when the offer goes live: version 1 from then.",
      noteKey: "startsWhenLive",
    };
  if (experiment === "running") return { status: "running", tone: "success", note: null, noteKey: null };
  if (experiment === "stopped") return { status: "stopped", tone: "attention", note: null, noteKey: null };
  return { status: experiment, tone: undefined, note: null, noteKey: null };
}
