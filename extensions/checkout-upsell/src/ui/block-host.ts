/** What every placement reads from its host: settings, the app URL, translations, the event queue. */
import type { ShownOffer } from "@moments/engine";
import { APP_URL } from "../core/config";
import { EventQueue, host, opt, valueOf, type Host, type OfferEvent } from "@moments/surfaces/checkout";

const reported = new Set<string>();
/** A broken payload or engine failure renders nothing and is reported once per page. */
export function reportOnce(problem: string) {
  const kind = problem.split(":")[0]!;
  if (reported.has(kind)) return;
  reported.add(kind);
  console.error(`[moments] offer not rendered: ${problem}`);
}

/** A merchant setting of this placement; unset keys are absent from the object. */
export const setting = (shopify: Host, key: string) => {
  const values = valueOf(opt(shopify, "settings"));
  return values && key in values ? values[key] : undefined;
};

export const appUrl = () => {
  const s = setting(host(), "app_url");
  return typeof s === "string" && s ? s : APP_URL;
};
export const events = new EventQueue(host, appUrl);

export const t = (shopify: Host, key: string, options?: Record<string, unknown>) => {
  const r = shopify.i18n.translate(key, options);
  return Array.isArray(r) ? r.join("") : r;
};

/**
 * Which offer, moment and arm an event is about (the offer's own moment: the thank-you page may show
 * the post-purchase moment's offer). Absent ids stay undefined: JSON leaves them out.
 */
export type ArmFields = Pick<OfferEvent, "offerId" | "moment" | "arm" | "armId" | "experimentId">;
export const armOf = (o: ShownOffer): ArmFields => ({
  offerId: o.offerId,
  moment: o.moment,
  arm: o.armId ? "variant" : "none",
  armId: o.armId,
  experimentId: o.experimentId,
});
