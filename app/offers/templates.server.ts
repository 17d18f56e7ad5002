/**
 * The playbook gallery on the server: each template with products suggested from the shop's
 * catalog and the price buyers would see, and "use template", which saves the template's form as a
 * new draft through the editor's own save path (`saveOfferForm`: the same validation, the same
 * write, the same experiment rows). Every read goes through the shop's gateway, every write is
 * scoped by the shop.
 */
import type { PrismaClient, Shop } from "@prisma/client";
import { z } from "zod";
import { MOMENTS, priceOffer, type MomentId, type OfferType, type Settings } from "@moments/engine";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { englishT, type AdminKey, type AdminT } from "~/i18n/catalogue";
import { InvalidInput } from "~/lib/errors";
import type { PreviewCard } from "~/preview/preview.server";
import { shopSettings } from "~/publish/publish.server";
import { formToOffer, type FieldErrors } from "./form";
import { saveOfferForm } from "./offers.server";
import { suggestPicks, templateForm, type TemplatePick } from "./template-form";
import { OFFER_TEMPLATES, templateById, type OfferTemplate } from "./templates";

/** What buyers would see: the offer card in the first currency, and the price in the others. */
export interface TemplateQuote {
  /** The buyer-facing card; its image is the first offered product's, from the catalog. */
  card: Omit<PreviewCard, "design" | "image"> & { image: string | null };
  others: Array<{ currency: string; original: number; final: number }>;
}

/** A template on its gallery card; its texts (name, summary, slots...) are the catalogue's `playbook.<id>`. */
export interface TemplateCardData {
  id: string;
  type: OfferType;
  /** Whole percent off, or null for the product's own price. */
  discountPercent: number | null;
  holdoutPct: number;
  endsAfterDays: number | null;
  slots: Array<{ role: "offer" | "trigger"; pick: TemplatePick | null }>;
  quote: TemplateQuote | null;
}

export interface TemplateGroup {
  moment: MomentId;
  plusOnly: boolean;
  /** The nearest moment a shop without Shopify Plus can use (plus-only moments). */
  alternative: MomentId | null;
  templates: TemplateCardData[];
}

export interface TemplateGallery {
  groups: TemplateGroup[];
  /** The shop's currency the gallery prices in first (and the demo picker lists prices in). */
  currency: string;
  /** Why no product could be suggested (the catalog's error), or null. */
  catalogError: string | null;
}

/** The shop's currencies, its own first (the price the gallery shows large). */
function orderedCurrencies(shop: Shop, gateway: ShopGateway): string[] {
  const all = [...gateway.currencies];
  return all.includes(shop.currency) ? [shop.currency, ...all.filter((c) => c !== shop.currency)] : all;
}

function pricesOf(products: readonly CatalogProduct[]): Record<string, Record<string, number>> {
  const prices: Record<string, Record<string, number>> = {};
  for (const p of products) for (const v of p.variants) prices[v.id] = { ...v.prices };
  return prices;
}

/**
 * The template with these picks priced by the engine (the form's rules, then `priceOffer`, with
 * the shop's settings: charm endings, currency display), or null while a slot is empty.
 */
function quoteOf(
  template: OfferTemplate,
  picks: ReadonlyArray<TemplatePick | null>,
  ctx: { products: readonly CatalogProduct[]; settings: Settings; currencies: string[]; now: number },
): TemplateQuote | null {
  if (picks.some((p) => !p)) return null;
  const form = templateForm(template, picks as TemplatePick[], { currencies: ctx.currencies, now: ctx.now });
  const { offer } = formToOffer(form, "template", pricesOf(ctx.products), ["arm"]);
  if (!offer) return null;
  const priced = ctx.currencies.flatMap((currency) => {
    const r = priceOffer(offer, offer.discount, currency, 0, ctx.settings);
    return "price" in r ? [r.price] : [];
  });
  const first = priced[0];
  if (!first) return null;
  const copy = offer.copy.en!;
  return {
    card: {
      title: copy.title,
      body: copy.body ?? null,
      cta: copy.cta ?? "Add",
      decline: copy.decline ?? "No thanks",
      currency: first.currency,
      currencyDisplay: ctx.settings.currencyDisplay ?? "symbol",
      original: first.original,
      final: first.final,
      savings: first.savings,
      locale: "en",
      lines: form.items.map((i) => ({ title: i.title, quantity: Number(i.quantity) })),
      image: ctx.products.find((p) => p.id === form.items[0]?.productId)?.imageUrl ?? null,
    },
    others: priced.slice(1).map(({ currency, original, final }) => ({ currency, original, final })),
  };
}

function cardData(
  template: OfferTemplate,
  picks: Array<TemplatePick | null>,
  quote: TemplateQuote | null,
): TemplateCardData {
  return {
    id: template.id,
    type: template.type,
    discountPercent: template.discountPercent,
    holdoutPct: template.holdoutPct,
    endsAfterDays: template.endsAfterDays ?? null,
    slots: template.slots.map((s, i) => ({ role: s.role, pick: picks[i] ?? null })),
    quote,
  };
}

/** Every template, grouped by moment in journey order, with suggested products and their price. */
export async function templateGallery(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  now = Date.now(),
): Promise<TemplateGallery> {
  let catalog: CatalogProduct[] = [];
  let catalogError: string | null = null;
  try {
    catalog = await gateway.searchProducts("", 50);
  } catch (error) {
    catalogError = error instanceof Error ? error.message : "unknown error";
  }
  const currencies = orderedCurrencies(shop, gateway);
  const ctx = { products: catalog, settings: await shopSettings(prisma, shop.id), currencies, now };
  const groups = MOMENTS.flatMap((m): TemplateGroup[] => {
    const templates = OFFER_TEMPLATES.filter((t) => t.moment === m.id).map((t) => {
      const picks = suggestPicks(t, catalog, currencies[0] ?? shop.currency);
      return cardData(t, picks, quoteOf(t, picks, ctx));
    });
    if (templates.length === 0) return [];
    return [{ moment: m.id, plusOnly: m.plusOnly, alternative: m.alternative, templates }];
  });
  return { groups, currency: currencies[0] ?? shop.currency, catalogError };
}

// The posted request: which template, and one pick per slot (null = nothing picked yet).
const pickShape = z.object({
  productId: z.string().min(1).max(255),
  variantId: z.string().max(255),
  title: z.string().max(500),
});
const picksShape = z.array(pickShape.nullable()).max(10);

export interface TemplateRequest {
  template: OfferTemplate;
  picks: Array<TemplatePick | null>;
  /** The merchant's language, for the answer's messages and the draft's name (English when absent). */
  t?: AdminT;
  /** The draft's name when the template is made on the fly (a suggestion, decision 029), not the playbook's. */
  name?: string;
}

/** A template's text in the merchant's language: `playbook.<id>.name`, `.slots.0`, ... */
export const playbookText = (t: AdminT, templateId: string, path: string): string =>
  t(`playbook.${templateId}.${path}` as AdminKey);

/** The template and picks of a gallery request, or InvalidInput (400) saying what is wrong. */
export function parseTemplateRequest(body: FormData, t: AdminT = englishT): TemplateRequest {
  const template = templateById(String(body.get("templateId") ?? ""));
  if (!template) throw new InvalidInput("Unknown template: `templateId` must be one of the gallery's.");
  let json: unknown;
  try {
    json = JSON.parse(String(body.get("picks") ?? ""));
  } catch {
    throw new InvalidInput("The picked products must be sent as JSON in the `picks` field.");
  }
  const parsed = picksShape.safeParse(json);
  if (!parsed.success) throw new InvalidInput(`Malformed picks: ${parsed.error.issues[0]!.message}`);
  return { template, picks: template.slots.map((_, i) => parsed.data[i] ?? null), t };
}

type Resolved = { ok: true; picks: TemplatePick[]; products: CatalogProduct[] } | { ok: false; errors: FieldErrors };

/**
 * The picks checked against the shop's catalog (so another shop's or a deleted product is
 * refused), titled from it: one per slot, a product at most once per template.
 */
async function resolvePicks(
  gateway: ShopGateway,
  { template, picks, t = englishT }: TemplateRequest,
): Promise<Resolved> {
  const label = (i: number) => playbookText(t, template.id, `slots.${i}`);
  let products: CatalogProduct[];
  try {
    products = await gateway.getProducts([...new Set(picks.flatMap((p) => (p ? [p.productId] : [])))]);
  } catch (error) {
    return {
      ok: false,
      errors: {
        slots: t("templates.catalogUnreadable", { reason: error instanceof Error ? error.message : "unknown error" }),
      },
    };
  }
  const errors: FieldErrors = {};
  const seen = new Map<string, string>();
  const resolved = template.slots.map((slot, i): TemplatePick | null => {
    const pick = picks[i];
    if (!pick) {
      errors[`slots.${i}`] = t("templates.pickSlot", { slot: label(i) });
      return null;
    }
    const product = products.find((p) => p.id === pick.productId);
    const variant =
      product?.variants.find((v) => v.id === pick.variantId) ??
      (slot.role === "trigger" ? product?.variants[0] : undefined);
    if (!product || !variant) {
      errors[`slots.${i}`] = t("templates.notInCatalog");
      return null;
    }
    const other = seen.get(product.id);
    if (other !== undefined) errors[`slots.${i}`] = t("templates.alreadyPicked", { slot: other });
    seen.set(product.id, label(i));
    return { productId: product.id, variantId: variant.id, title: `${product.title} - ${variant.title}` };
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, picks: resolved as TemplatePick[], products };
}

/** What buyers would see with these picks (the gallery card after the merchant changes a product). */
export async function quoteTemplate(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  request: TemplateRequest,
  now = Date.now(),
): Promise<{ quote: TemplateQuote | null; errors: FieldErrors }> {
  const resolved = await resolvePicks(gateway, request);
  if (!resolved.ok) return { quote: null, errors: resolved.errors };
  const ctx = {
    products: resolved.products,
    settings: await shopSettings(prisma, shop.id),
    currencies: orderedCurrencies(shop, gateway),
    now,
  };
  return { quote: quoteOf(request.template, resolved.picks, ctx), errors: {} };
}

export type DraftFromTemplateResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/**
 * "Use template": the template's form with the picked products, saved as a new DRAFT offer with
 * its hold-out experiment by `saveOfferForm`, the editor's save path. Nothing reaches buyers: only
 * active offers are published, and the experiment waits as a draft until the offer goes live.
 */
export async function createDraftFromTemplate(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  request: TemplateRequest,
  now = Date.now(),
): Promise<DraftFromTemplateResult> {
  const resolved = await resolvePicks(gateway, request);
  if (!resolved.ok) return resolved;
  const form = templateForm(request.template, resolved.picks, { currencies: [...gateway.currencies], now });
  // The draft is named in the merchant's language (its copy stays the template's English: buyer-facing text the merchant edits).
  if (request.name) form.name = request.name;
  else if (request.t) form.name = playbookText(request.t, request.template.id, "name");
  const saved = await saveOfferForm(prisma, shop, gateway, null, form, { t: request.t });
  return saved.ok ? { ok: true, id: saved.id } : { ok: false, errors: saved.errors };
}
