/** An engine `Offer` -> the offer form (what the editor opens with). */
import type { Offer } from "@moments/engine";
import { DEFAULT_DESIGN } from "./designs";
import { emptyOfferForm, type OfferForm, type StoredVariant } from "./form-model";
import { minorToTypedAmount } from "./money";

const isoMinute = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString().slice(0, 16));

/** An engine offer (plus its experiment rows and item titles) -> the form. */
export function offerToForm(
  offer: Offer,
  meta: {
    name: string;
    currencies: readonly string[];
    titles: Record<string, string>;
    experiment?: { holdoutBps: number; variants: StoredVariant[]; allocation?: string };
  },
): OfferForm {
  const form = emptyOfferForm(meta.currencies);
  const d = offer.discount;
  const amounts = Object.fromEntries(
    meta.currencies.map((c) => [
      c,
      d && d.kind !== "percent" ? minorToTypedAmount((d.kind === "fixed" ? d.amounts : d.prices)[c], c) : "",
    ]),
  );
  const t = offer.targeting ?? {};
  return {
    ...form,
    name: meta.name,
    type: offer.type,
    status: offer.status === "archived" ? "paused" : offer.status,
    priority: String(offer.priority),
    moments: [...offer.moments],
    startsAt: isoMinute(offer.startsAt),
    endsAt: isoMinute(offer.endsAt),
    items: offer.items.map((i) => ({
      productId: i.productId,
      variantId: i.variantId,
      quantity: String(i.quantity),
      title: meta.titles[i.variantId] ?? i.variantId,
    })),
    discount: { kind: d?.kind ?? "none", percent: d?.kind === "percent" ? String(d.percent) : "", amounts },
    pricingPercent: offer.pricing ? String(offer.pricing.percent) : "",
    pricingOf: offer.pricing?.of ?? "line",
    copy: Object.fromEntries(
      Object.entries(offer.copy).map(([l, c]) => [
        l,
        { title: c!.title, body: c!.body ?? "", cta: c!.cta ?? "", decline: c!.decline ?? "" },
      ]),
    ),
    design: offer.design ?? DEFAULT_DESIGN,
    targeting: {
      devices: [...(t.devices ?? [])],
      countries: (t.countries ?? []).join(", "),
      currencies: [...(t.currencies ?? [])],
      languages: (t.languages ?? []).join(", "),
      buyer: (t.buyer ?? "any") as OfferForm["targeting"]["buyer"],
      triggerProducts: (t.products ?? []).map((p) => ({ productId: p, title: meta.titles[p] ?? p })),
      tags: (t.tags ?? []).join(", "),
      vendors: (t.vendors ?? []).join(", "),
      collections: [...(t.collections ?? [])],
      minSubtotal: Object.fromEntries(
        Object.entries(t.subtotal ?? {}).map(([c, r]) => [c, minorToTypedAmount(r?.min, c)]),
      ),
    },
    experiment: meta.experiment
      ? {
          enabled: true,
          holdoutPct: String(meta.experiment.holdoutBps / 100),
          variants: meta.experiment.variants.map((v) => ({
            id: v.id,
            name: v.name,
            weight: String(v.weight),
            title: v.overrides.title ?? "",
            body: v.overrides.body ?? "",
            discountPercent: v.overrides.discountPercent === undefined ? "" : String(v.overrides.discountPercent),
            design: v.overrides.design ?? "",
          })),
          allocation: meta.experiment.allocation === "automatic" ? "automatic" : "fixed",
        }
      : form.experiment,
    downsell: offer.downsell ?? "",
  };
}
