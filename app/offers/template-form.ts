/**
 * A playbook template (./templates.ts) -> the offer form the editor would have produced, and the
 * catalog products a template suggests. Pure: the server validates the form with the editor's own
 * rules and saves it through the editor's own save path (templates.server.ts).
 */
import { emptyOfferForm, newVariant, type OfferForm } from "./form-model";
import type { OfferTemplate, TemplateSlot } from "./templates";

/** A product picked for a slot (the shape of the admin's product picker). */
export interface TemplatePick {
  productId: string;
  variantId: string;
  /** "Product - Variant", for display. */
  title: string;
}

/** The name of the control arm of a template's experiment. */
export const TEMPLATE_ARM_NAME = "As written";

const isoMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The template as the offer form: a draft, its products from `picks` (one per slot, in slot
 * order), its experiment on with the template's hold-out and one arm (the offer as written).
 */
export function templateForm(
  template: OfferTemplate,
  picks: ReadonlyArray<TemplatePick>,
  options: { currencies: readonly string[]; now: number },
): OfferForm {
  const form = emptyOfferForm(options.currencies);
  const picked = template.slots.map((slot, i) => ({ slot, pick: picks[i] }));
  const amounts = Object.fromEntries(options.currencies.map((c) => [c, ""]));
  return {
    ...form,
    name: template.name,
    type: template.type,
    status: "draft",
    priority: String(template.priority),
    moments: [template.moment],
    endsAt: template.endsAfterDays ? isoMinute(options.now + template.endsAfterDays * DAY_MS) : "",
    items: picked
      .filter(({ slot, pick }) => slot.role === "offer" && pick)
      .map(({ pick }) => ({
        productId: pick!.productId,
        variantId: pick!.variantId,
        quantity: "1",
        title: pick!.title,
      })),
    discount:
      template.discountPercent === null
        ? { kind: "none", percent: "", amounts }
        : { kind: "percent", percent: String(template.discountPercent), amounts },
    copy: { en: { ...template.copy } },
    targeting: {
      ...form.targeting,
      devices: [...(template.targeting.devices ?? [])],
      buyer: template.targeting.buyer ?? "any",
      triggerProducts: picked
        .filter(({ slot, pick }) => slot.role === "trigger" && pick)
        .map(({ pick }) => ({ productId: pick!.productId, title: pick!.title.split(" - ")[0] ?? pick!.title })),
    },
    experiment: { enabled: true, holdoutPct: String(template.holdoutPct), variants: [newVariant(TEMPLATE_ARM_NAME)] },
  };
}

/** What a suggestion reads of a catalog product. */
export interface SuggestibleProduct {
  id: string;
  title: string;
  productType: string;
  tags: readonly string[];
  variants: ReadonlyArray<{ id: string; title: string; prices: Readonly<Record<string, number>> }>;
}

const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  );

function matches(p: SuggestibleProduct, hint: string): boolean {
  const h = hint.toLowerCase();
  if (p.tags.some((t) => t.toLowerCase() === h) || p.productType.toLowerCase() === h) return true;
  return words(p.title).has(h) || p.variants.some((v) => words(v.title).has(h));
}

/** The variant a slot offers: the first, or for "premium" the one the hint names, else the dearest. */
function variantFor(p: SuggestibleProduct, slot: TemplateSlot, hint: string, currency: string) {
  if (slot.variant !== "premium") return p.variants[0];
  const named = p.variants.find((v) => words(v.title).has(hint.toLowerCase()));
  if (named) return named;
  return [...p.variants].sort((a, b) => (b.prices[currency] ?? 0) - (a.prices[currency] ?? 0))[0];
}

/**
 * Products from the catalog for each slot (null where nothing fits): per slot, the first hint some
 * product matches wins; a template never suggests one product twice. A premium slot only takes a
 * product with several variants (an upgrade swaps one for another).
 */
export function suggestPicks(
  template: OfferTemplate,
  catalog: readonly SuggestibleProduct[],
  currency: string,
): Array<TemplatePick | null> {
  const used = new Set<string>();
  return template.slots.map((slot) => {
    for (const hint of slot.hints) {
      const p = catalog.find(
        (x) => !used.has(x.id) && x.variants.length > (slot.variant === "premium" ? 1 : 0) && matches(x, hint),
      );
      const v = p && variantFor(p, slot, hint, currency);
      if (p && v) {
        used.add(p.id);
        return { productId: p.id, variantId: v.id, title: `${p.title} - ${v.title}` };
      }
    }
    return null;
  });
}
