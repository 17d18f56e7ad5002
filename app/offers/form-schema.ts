/**
 * The offer form as one zod schema, shared by the browser and the server: the form's shape, then
 * its rules (form-rules.ts) as a transform into the engine's `Offer`. Issues are keyed by the
 * form's field paths ("discount.amounts.EUR"), in form order; the first per field is the message.
 * Prices of items are never taken from the form: they come from the catalog, through `context`.
 */
import { z } from "zod";
import { DEVICES, MOMENT_IDS, OFFER_TYPES, type MomentId, type Offer } from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { downsell } from "./form-downsell";
import { DEFAULT_PRICE_FLOOR_PERCENT, priceFloor } from "./form-floor";
import type { DownsellChoice, FieldErrors, OfferForm, StoredVariant } from "./form-model";
import * as rules from "./form-rules";

/**
 * What a request boundary adds to the form's shape: sizes against abusive requests (the longest
 * string, the most entries per list), and, with them, currency and locale keys and moments checked
 * where they are read, so a tampered request is refused before the rules see it.
 */
export interface OfferFormBounds {
  text: number;
  lists: {
    moments: number;
    items: number;
    devices: number;
    currencies: number;
    triggerProducts: number;
    collections: number;
    variants: number;
  };
}

const CURRENCY_KEY = /^[A-Z]{3}$/;
const LOCALE_KEY = /^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/;

function buildShape(bounds?: OfferFormBounds) {
  const text = bounds ? z.string().max(bounds.text) : z.string();
  const list = <T extends z.ZodType>(item: T, name: keyof OfferFormBounds["lists"]) =>
    bounds ? z.array(item).max(bounds.lists[name]) : z.array(item);
  const currency = bounds ? z.string().regex(CURRENCY_KEY) : z.string();
  const locale = bounds ? z.string().regex(LOCALE_KEY) : z.string();
  // Unknown moments (e.g. from a page of an older app version) are dropped by the rules, not
  // refused; only a bounded (server) read refuses them, as it always has.
  const moment: z.ZodType<MomentId> = bounds ? z.enum(MOMENT_IDS) : z.custom<MomentId>((m) => typeof m === "string");
  const copyShape = z.object({ title: text, body: text, cta: text, decline: text });
  const variantShape = z.object({
    id: text,
    name: text,
    weight: text,
    title: text,
    body: text,
    discountPercent: text,
    design: text,
  });
  return z.object({
    name: text,
    type: z.enum(OFFER_TYPES),
    status: z.enum(["active", "paused", "draft"]),
    priority: text,
    moments: list(moment, "moments"),
    startsAt: text,
    endsAt: text,
    items: list(z.object({ productId: text, variantId: text, quantity: text, title: text }), "items"),
    discount: z.object({
      kind: z.enum(["none", "percent", "fixed", "bundle_price"]),
      percent: text,
      amounts: z.record(currency, text),
    }),
    pricingPercent: text,
    pricingOf: z.enum(["line", "subtotal"]),
    copy: z.record(locale, copyShape),
    design: text,
    targeting: z.object({
      devices: list(z.enum(DEVICES), "devices"),
      countries: text,
      currencies: list(currency, "currencies"),
      languages: text,
      buyer: z.enum(["any", "first_time", "returning"]),
      triggerProducts: list(z.object({ productId: text, title: text }), "triggerProducts"),
      tags: text,
      vendors: text,
      // Optional: a page opened before the field existed posts none (no collection triggers).
      collections: list(text, "collections").default([]),
      minSubtotal: z.record(currency, text),
    }),
    experiment: z.object({
      enabled: z.boolean(),
      holdoutPct: text,
      variants: list(variantShape, "variants"),
      // Optional: a page opened before the field existed posts none (a fixed split; decision 030).
      allocation: z.enum(["fixed", "automatic"]).optional(),
    }),
    // Optional: a page opened before the field existed posts none (no linked downsell).
    downsell: text.default(""),
    // Optional: a page opened before the field existed posts none (not a free gift; decision 032).
    freeGift: z.boolean().optional(),
  });
}

let shape: ReturnType<typeof buildShape> | undefined;

/**
 * The form's structure (strings as inputs hold them). Size limits against abusive requests belong
 * to the request boundary, which passes its `bounds`; the rules say what is too long in the
 * merchant's words. Built on first use, so pages that only need the form's model do not carry zod.
 */
export const offerFormShape = (bounds?: OfferFormBounds) => (bounds ? buildShape(bounds) : (shape ??= buildShape()));

/** What the schema needs besides the form. */
export interface OfferFormContext {
  /** The offer's id (kept as given). */
  id: string;
  /** variantId -> per-currency minor units, read from the catalog by the caller. */
  prices: Record<string, Record<string, number>>;
  /** Existing arm ids by position (stable: a new id would reassign buyers). */
  armIds: string[];
  /** productId -> image URL, read from the catalog by the caller (the offer shows its first product's). */
  images?: Record<string, string>;
  /** variantId -> its selling plan, read from the catalog by the caller (plan upgrades sell on it). */
  sellingPlans?: Record<string, string>;
  /** The shop's other offers, read by the caller: what "When declined, show" may name. */
  downsells?: readonly DownsellChoice[];
  /** The merchant's language for the messages (the admin's catalogue); English by default. */
  t?: AdminT;
  /** The shop's price floor, % of the items' price (Settings); `DEFAULT_PRICE_FLOOR_PERCENT` when absent. */
  priceFloorPercent?: number;
}

/** A valid form: the engine offer, and the arms as the experiment rows store them. */
export interface ParsedOfferForm {
  offer: Offer;
  /** The arms (names, overrides), in form order. */
  variants: StoredVariant[];
  holdoutBps: number;
}

/**
 * The offer form's schema: shape, then rules, transforming into the engine's `Offer`. The rules
 * check what the engine's `OfferSchema` cannot say in plain words; the server still validates the
 * result with `OfferSchema`.
 */
export function offerFormSchema(context: OfferFormContext) {
  return offerFormShape().transform((form, ctx): ParsedOfferForm => {
    let valid = true;
    const report: rules.Report = (field, message) => {
      valid = false;
      ctx.addIssue({ code: "custom", message, path: field.split("."), input: form });
    };
    const t = context.t ?? englishT;
    const { priority, moments, startsAt, endsAt } = rules.basics(form, report, t);
    const items = rules.items(form, context.prices, report, context.sellingPlans, t);
    const discount = rules.discount(form, items, report, t);
    priceFloor(form, items, context.priceFloorPercent ?? DEFAULT_PRICE_FLOOR_PERCENT, report, t);
    const pricing = rules.pricing(form, report, t);
    const copy = rules.copy(form, report, t);
    const design = rules.design(form, report, t);
    const targeting = rules.targeting(form, report, t);
    const { variants, holdoutBps } = rules.experiment(form, context.armIds, report, t);
    const linked = downsell(form, context.id, moments, context.downsells ?? [], report, t);
    if (!valid) return z.NEVER;

    const offer: Offer = {
      id: context.id,
      status: form.status,
      type: form.type,
      moments,
      priority: priority!,
      items,
      copy,
    };
    if (startsAt !== null) offer.startsAt = startsAt;
    if (endsAt !== null) offer.endsAt = endsAt;
    if (discount) offer.discount = discount;
    if (pricing) offer.pricing = pricing;
    if (design) offer.design = design;
    const image = rules.image(items, context.images ?? {});
    if (image) offer.image = image;
    if (Object.keys(targeting).length) offer.targeting = targeting;
    if (linked) offer.downsell = linked;
    return { offer, variants, holdoutBps };
  });
}

/** Zod issues -> the form's field errors: the first message per field key. */
export function fieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[issue.path.map(String).join(".")] ??= issue.message;
  return errors;
}

export interface FormToOfferResult {
  offer: Offer | null;
  /** The arms as the experiment rows store them (names, overrides), in form order. */
  variants: StoredVariant[];
  holdoutBps: number;
  errors: FieldErrors;
}

/**
 * Form -> engine offer (`id` and `status` as given), through the form's schema. Item prices come
 * from `prices` (variantId -> per-currency minor units, read from the catalog by the caller), the
 * image from `images` (productId -> URL, the same catalog read).
 */
export function formToOffer(
  form: OfferForm,
  id: string,
  prices: Record<string, Record<string, number>>,
  armIds: string[],
  images: Record<string, string> = {},
  more: Pick<OfferFormContext, "sellingPlans" | "downsells" | "t" | "priceFloorPercent"> = {},
): FormToOfferResult {
  const parsed = offerFormSchema({ id, prices, armIds, images, ...more }).safeParse(form);
  if (parsed.success) return { ...parsed.data, errors: {} };
  // The arms as far as they are valid, as before the schema (callers only read the errors).
  const { variants, holdoutBps } = rules.experiment(form, armIds, () => {});
  return { offer: null, variants, holdoutBps, errors: fieldErrors(parsed.error.issues) };
}

/** Engine schema issue path ("items[0].quantity") -> the form's field key ("items.0.quantity"). */
export function fieldKeyForPath(path: string): string {
  const key = path.replace(/\[(\d+)\]/g, ".$1");
  if (key.startsWith("experiment.holdoutBps")) return "experiment.holdoutPct";
  if (/^items\.\d+\.prices/.test(key)) return key.replace(/\.prices.*$/, "");
  if (key.startsWith("discount.prices")) return key.replace("discount.prices", "discount.amounts");
  return key;
}
