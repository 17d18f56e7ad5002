/**
 * The offer form on the server: the posted JSON checked at the request boundary, then the form's
 * rules and the engine's schema with prices read from the catalog (never from the form).
 */
import type { PrismaClient } from "@prisma/client";
import { MOMENT_IDS, OfferSchema, formatPath, type MomentId, type Offer } from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { InvalidInput } from "~/lib/errors";
import { storedDownsell } from "~/publish/downsells";
import {
  fieldKeyForPath,
  formToOffer,
  type DownsellChoice,
  type FieldErrors,
  type OfferForm,
  type StoredVariant,
} from "./form";
import { DEFAULT_PRICE_FLOOR_PERCENT } from "./form-floor";
import { offerFormShape, type OfferFormBounds } from "./form-schema";

/** What an offer takes from the catalog, never from the form: prices, product images, selling plans. */
export interface CatalogFacts {
  /** variantId -> per-currency unit prices. */
  prices: Record<string, Record<string, number>>;
  /** productId -> the product's featured image URL (products without one are absent). */
  images: Record<string, string>;
  /** variantId -> the variant's selling plan (variants sold on none are absent). */
  sellingPlans: Record<string, string>;
}

export async function catalogFacts(gateway: ShopGateway, productIds: string[]): Promise<CatalogFacts> {
  const facts: CatalogFacts = { prices: {}, images: {}, sellingPlans: {} };
  for (const p of await gateway.getProducts([...new Set(productIds)])) {
    if (p.imageUrl) facts.images[p.id] = p.imageUrl;
    for (const v of p.variants) {
      facts.prices[v.id] = { ...v.prices };
      if (v.sellingPlanId) facts.sellingPlans[v.id] = v.sellingPlanId;
    }
  }
  return facts;
}

/**
 * The shop's offers "When declined, show" may name (decision 027): every offer of this shop but
 * `excludeId` (the one edited) and the archived ones, with its moments and its own downsell link
 * (so the rule can refuse a loop). Scoped by shop: another shop's offer is never a choice.
 */
export async function downsellChoices(
  prisma: PrismaClient,
  shopId: string,
  excludeId: string | null,
): Promise<DownsellChoice[]> {
  const rows = await prisma.offer.findMany({
    where: { shopId, status: { not: "archived" }, ...(excludeId ? { id: { not: excludeId } } : {}) },
    select: { id: true, name: true, status: true, definition: true, moments: { select: { moment: true } } },
    orderBy: [{ priority: "desc" }, { name: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    moments: r.moments.map((m) => m.moment).filter((m): m is MomentId => (MOMENT_IDS as readonly string[]).includes(m)),
    downsell: storedDownsell(r.definition),
  }));
}

/** The shop's price floor (Settings, decision 032), the default until the merchant sets one. */
export async function shopPriceFloor(prisma: PrismaClient, shopId: string): Promise<number> {
  const s = await prisma.shopSettings.findUnique({ where: { shopId }, select: { priceFloorPercent: true } });
  return s?.priceFloorPercent ?? DEFAULT_PRICE_FLOOR_PERCENT;
}

/** variantId -> per-currency unit prices from the catalog (never from the form). */
export async function catalogPrices(
  gateway: ShopGateway,
  productIds: string[],
): Promise<Record<string, Record<string, number>>> {
  return (await catalogFacts(gateway, productIds)).prices;
}

export type ValidationResult =
  { ok: true; offer: Offer; variants: StoredVariant[]; holdoutBps: number } | { ok: false; errors: FieldErrors };

/** Form -> engine offer, validated by the form rules and then the engine's own schema. */
export async function validateOfferForm(
  form: OfferForm,
  id: string,
  gateway: ShopGateway,
  armIds: string[] = [],
  downsells: readonly DownsellChoice[] = [],
  t: AdminT = englishT,
  priceFloorPercent: number = DEFAULT_PRICE_FLOOR_PERCENT,
): Promise<ValidationResult> {
  let facts: CatalogFacts;
  try {
    facts = await catalogFacts(
      gateway,
      form.items.map((i) => i.productId),
    );
  } catch (error) {
    return {
      ok: false,
      errors: {
        items: t("rules.catalogUnreadable", { reason: error instanceof Error ? error.message : "unknown error" }),
      },
    };
  }
  const result = formToOffer(form, id, facts.prices, armIds, facts.images, {
    sellingPlans: facts.sellingPlans,
    downsells,
    t,
    priceFloorPercent,
  });
  if (!result.offer) return { ok: false, errors: result.errors };
  const parsed = OfferSchema.safeParse(result.offer);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues)
      errors[fieldKeyForPath(formatPath(issue.path))] ??= t("rules.notAccepted", { reason: issue.message });
    return { ok: false, errors };
  }
  return { ok: true, offer: parsed.data, variants: result.variants, holdoutBps: result.holdoutBps };
}

// The form arrives as JSON in one form field; its shape is checked before anything reads it, so a
// malformed request is a 400 with a reason, never a 500. The text bound only bounds memory: it is
// far above what the form's rules allow (a headline of 120 characters, a text of 500), so text a
// merchant typed too long comes back as that field's error with the form kept, never as a refusal
// of the whole request (which lost the unsaved offer).
const REQUEST_BOUNDS: OfferFormBounds = {
  text: 100_000,
  lists: { moments: 9, items: 20, devices: 2, currencies: 200, triggerProducts: 100, collections: 1000, variants: 10 },
};
let requestShape: ReturnType<typeof offerFormShape> | undefined;

/** The posted form, or InvalidInput saying what is wrong with its shape. */
export function parseOfferFormJson(raw: FormDataEntryValue | null): OfferForm {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    throw new InvalidInput("The offer form must be sent as JSON in the `form` field.");
  }
  const parsed = (requestShape ??= offerFormShape(REQUEST_BOUNDS)).safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InvalidInput(`Malformed offer form at ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return parsed.data as OfferForm;
}
