/**
 * The offer form on the server: the posted JSON checked at the request boundary, then the form's
 * rules and the engine's schema with prices read from the catalog (never from the form).
 */
import { OfferSchema, formatPath, type Offer } from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { InvalidInput } from "~/lib/errors";
import { fieldKeyForPath, formToOffer, type FieldErrors, type OfferForm, type StoredVariant } from "./form";
import { offerFormShape, type OfferFormBounds } from "./form-schema";

/** variantId -> per-currency unit prices from the catalog (never from the form). */
export async function catalogPrices(
  gateway: ShopGateway,
  productIds: string[],
): Promise<Record<string, Record<string, number>>> {
  const prices: Record<string, Record<string, number>> = {};
  for (const p of await gateway.getProducts([...new Set(productIds)]))
    for (const v of p.variants) prices[v.id] = { ...v.prices };
  return prices;
}

export type ValidationResult =
  { ok: true; offer: Offer; variants: StoredVariant[]; holdoutBps: number } | { ok: false; errors: FieldErrors };

/** Form -> engine offer, validated by the form rules and then the engine's own schema. */
export async function validateOfferForm(
  form: OfferForm,
  id: string,
  gateway: ShopGateway,
  armIds: string[] = [],
): Promise<ValidationResult> {
  let prices: Record<string, Record<string, number>> = {};
  try {
    prices = await catalogPrices(
      gateway,
      form.items.map((i) => i.productId),
    );
  } catch (error) {
    return {
      ok: false,
      errors: { items: `The catalog could not be read: ${error instanceof Error ? error.message : "unknown error"}` },
    };
  }
  const result = formToOffer(form, id, prices, armIds);
  if (!result.offer) return { ok: false, errors: result.errors };
  const parsed = OfferSchema.safeParse(result.offer);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues)
      errors[fieldKeyForPath(formatPath(issue.path))] ??= `Not accepted: ${issue.message}`;
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
