/**
 * The offer form's "When declined, show" rule (decision 027): the linked downsell must be another
 * offer of the same shop (the choices the server reads from the shop's own offers), never the offer
 * itself, never the start of a chain that loops, and it must run at one of this offer's moments
 * (the downsell shows in the declined offer's place, so it could never show otherwise).
 */
import type { MomentId } from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";
import type { DownsellChoice, OfferForm } from "./form-model";
import type { Report } from "./form-rules";

/** The linked downsell's offer id, or undefined (none, or refused with a message on `downsell`). */
export function downsell(
  form: OfferForm,
  id: string,
  moments: readonly MomentId[],
  choices: readonly DownsellChoice[],
  err: Report,
  t: AdminT = englishT,
): string | undefined {
  const target = form.downsell.trim();
  if (!target) return undefined;
  if (target === id) {
    err("downsell", t("rules.downsellSelf"));
    return undefined;
  }
  const byId = new Map(choices.filter((c) => c.id !== id).map((c) => [c.id, c]));
  const chosen = byId.get(target);
  if (!chosen) {
    err("downsell", t("rules.downsellGone"));
    return undefined;
  }
  // Follow the chosen offer's own downsells: back to this offer (or round in a circle) is a loop.
  const chain = [form.name.trim() || t("rules.downsellThisOffer"), chosen.name];
  const seen = new Set([id, target]);
  for (let next = chosen.downsell; next; next = byId.get(next)?.downsell ?? null) {
    const name = next === id ? chain[0]! : (byId.get(next)?.name ?? next);
    chain.push(name);
    if (seen.has(next)) {
      err("downsell", t("rules.downsellLoop", { chain: chain.join(" → ") }));
      return undefined;
    }
    seen.add(next);
  }
  if (moments.length && !chosen.moments.some((m) => moments.includes(m)))
    err(
      "downsell",
      t("rules.downsellMoments", { name: chosen.name, moments: moments.map((m) => t(`moments.${m}`)).join(", ") }),
    );
  return target;
}
