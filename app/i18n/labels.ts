/**
 * Labels of the app's own enumerations (offer and experiment statuses, languages) in the admin's
 * language; a value the catalogue does not know (data from a newer version) shows as it is.
 */
import type { ExperimentStatusView } from "~/experiments/status";
import { EN, type AdminT } from "./catalogue";

const known = <K extends string>(labels: Record<K, string>, value: string): value is K => Object.hasOwn(labels, value);

/** An offer's status as lists and badges show it: "active" -> "aktiv" (English keeps the stored word). */
export const statusLabel = (t: AdminT, status: string): string =>
  known(EN.statusBadges, status) ? t(`statusBadges.${status}`) : status;

/** An experiment's status as lists and badges show it: "running" -> "läuft". */
export const experimentStatusLabel = (t: AdminT, status: string): string =>
  known(EN.experimentStatuses, status) ? t(`experimentStatuses.${status}`) : status;

/** A copy language's name with its code, for the merchant: "de" -> "Deutsch (de)" in German... "German (de)" in English. */
export const languageLabel = (t: AdminT, code: string): string =>
  known(EN.languageNames, code) ? `${t(`languageNames.${code}`)} (${code})` : code;

/** What an experiment's status means for buyers (paused with its offer, waiting for it), or null. */
export function experimentNote(
  t: AdminT,
  view: Pick<ExperimentStatusView, "noteKey" | "offerStatus" | "note">,
): string | null {
  if (view.noteKey === null) return view.note;
  if (view.noteKey === "offerNotLive")
    return t("experimentNotes.offerNotLive", { status: statusLabel(t, view.offerStatus ?? "") });
  return t(`experimentNotes.${view.noteKey}`);
}
