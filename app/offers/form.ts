/**
 * The offer form as the admin edits it (strings, as inputs hold them) and its mapping to and from
 * the engine's `Offer`. Shared by the browser (form state, preview requests) and the server
 * (validation, save). Prices of items are never taken from the form: the server fills them from
 * the catalog, so a tampered form cannot publish a wrong list price.
 */
import { MOMENT_IDS, type Device, type Discount, type MomentId, type Offer, type OfferType } from "@moments/engine";

export const LOCALES = ["en", "de", "fr", "es", "it", "nl"] as const;

export const OFFER_TYPE_LABELS: Record<OfferType, string> = {
  product: "Single product / accessory",
  bundle: "Multi-item bundle",
  warranty: "Warranty / protection plan",
  variant_upgrade: "One-click variant upgrade",
  discount: "Discount micro-offer",
  subscription_upgrade: "Subscription / plan upgrade",
  shipping_protection: "Shipping insurance / priority handling",
  service_addon: "Onboarding / service add-on",
};

export interface CopyForm {
  title: string;
  body: string;
  cta: string;
  decline: string;
}

export interface ItemForm {
  productId: string;
  variantId: string;
  quantity: string;
  /** For display only ("Product - Variant"). */
  title: string;
}

export type DiscountKind = "none" | "percent" | "fixed" | "bundle_price";

export interface DiscountForm {
  kind: DiscountKind;
  percent: string;
  /** Decimal amounts per currency ("12.50"), for fixed and bundle_price. */
  amounts: Record<string, string>;
}

export interface VariantForm {
  /** Existing arm id (stable: changing it would reassign buyers), "" for a new arm. */
  id: string;
  name: string;
  weight: string;
  /** Overrides on top of the offer; empty = same as the offer (the control). */
  title: string;
  body: string;
  discountPercent: string;
  design: string;
}

export interface OfferForm {
  name: string;
  type: OfferType;
  status: "active" | "paused" | "draft";
  priority: string;
  moments: MomentId[];
  /** "YYYY-MM-DDTHH:mm" in UTC, or "". */
  startsAt: string;
  endsAt: string;
  items: ItemForm[];
  discount: DiscountForm;
  /** Warranty / protection priced as a % of the covered line or the subtotal ("" = flat price). */
  pricingPercent: string;
  pricingOf: "line" | "subtotal";
  copy: Record<string, CopyForm>;
  design: string;
  targeting: {
    devices: Device[];
    /** Comma-separated ISO country codes ("DE, FR"). */
    countries: string;
    currencies: string[];
    languages: string;
    buyer: "any" | "first_time" | "returning";
    triggerProducts: Array<{ productId: string; title: string }>;
    tags: string;
    vendors: string;
    /**
     * Collection GIDs (`gid://shopify/Collection/N`). Titles come from the shop's collection list;
     * an id not in it (a deleted collection) is kept and shown as the id.
     */
    collections: string[];
    /** Minimum cart subtotal per currency, decimal. */
    minSubtotal: Record<string, string>;
  };
  experiment: {
    enabled: boolean;
    /** Hold-out share in percent, decimals allowed ("10", "2.5"). */
    holdoutPct: string;
    variants: VariantForm[];
  };
}

export type FieldErrors = Record<string, string>;

/** The engine's limit on `targeting.collections` (packages/engine/src/model.ts `targetingSpec`). */
export const MAX_TRIGGER_COLLECTIONS = 100;

export const emptyCopy = (): CopyForm => ({ title: "", body: "", cta: "Add to order", decline: "No thanks" });

export function newVariant(name: string): VariantForm {
  return { id: "", name, weight: "1", title: "", body: "", discountPercent: "", design: "" };
}

export function emptyOfferForm(currencies: readonly string[]): OfferForm {
  return {
    name: "",
    type: "product",
    status: "active",
    priority: "0",
    moments: ["checkout"],
    startsAt: "",
    endsAt: "",
    items: [],
    discount: { kind: "percent", percent: "10", amounts: Object.fromEntries(currencies.map((c) => [c, ""])) },
    pricingPercent: "",
    pricingOf: "line",
    copy: { en: emptyCopy() },
    design: "",
    targeting: {
      devices: [],
      countries: "",
      currencies: [],
      languages: "",
      buyer: "any",
      triggerProducts: [],
      tags: "",
      vendors: "",
      collections: [],
      minSubtotal: {},
    },
    experiment: { enabled: false, holdoutPct: "10", variants: [newVariant("A"), newVariant("B")] },
  };
}

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

function minorToDecimal(minor: number | undefined, currency: string): string {
  if (minor === undefined) return "";
  const e = currency === "JPY" || currency === "KRW" ? 0 : 2;
  if (e === 0) return String(minor);
  const s = String(minor).padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

const isoMinute = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString().slice(0, 16));

/** Experiment rows as the form needs them (names and lifecycle live in the database rows). */
export interface StoredVariant {
  id: string;
  name: string;
  weight: number;
  overrides: { title?: string; body?: string; discountPercent?: number; design?: string };
}

/** An engine offer (plus its experiment rows and item titles) -> the form. */
export function offerToForm(
  offer: Offer,
  meta: {
    name: string;
    currencies: readonly string[];
    titles: Record<string, string>;
    experiment?: { holdoutBps: number; variants: StoredVariant[] };
  },
): OfferForm {
  const form = emptyOfferForm(meta.currencies);
  const d = offer.discount;
  const amounts = Object.fromEntries(
    meta.currencies.map((c) => [
      c,
      d && d.kind !== "percent" ? minorToDecimal((d.kind === "fixed" ? d.amounts : d.prices)[c], c) : "",
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
    design: offer.design ?? "",
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
      minSubtotal: Object.fromEntries(Object.entries(t.subtotal ?? {}).map(([c, r]) => [c, minorToDecimal(r?.min, c)])),
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
        }
      : form.experiment,
  };
}

// ---------------------------------------------------------------------------------------------
// form -> engine offer, with field errors keyed by the form's field paths.

function decimalMinor(s: string, currency: string): number | null {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  const e = currency === "JPY" || currency === "KRW" ? 0 : 2;
  if (e === 0) return m[2] ? null : Number(m[1]);
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

function intIn(s: string, min: number, max: number): number | null {
  const t = s.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function utcMs(s: string): number | null {
  if (!s) return null;
  const ms = Date.parse(s.length === 16 ? `${s}:00Z` : s);
  return Number.isFinite(ms) ? ms : null;
}

export interface FormToOfferResult {
  offer: Offer | null;
  /** The arms as the experiment rows store them (names, overrides), in form order. */
  variants: StoredVariant[];
  holdoutBps: number;
  errors: FieldErrors;
}

/**
 * Form -> engine offer (`id` and `status` as given). Item prices come from `prices`
 * (variantId -> per-currency minor units, read from the catalog by the caller). Checks what the
 * engine schema cannot say in plain words; the caller validates the result with `OfferSchema`.
 */
export function formToOffer(
  form: OfferForm,
  id: string,
  prices: Record<string, Record<string, number>>,
  armIds: string[],
): FormToOfferResult {
  const errors: FieldErrors = {};
  const err = (k: string, m: string) => void (errors[k] ??= m);
  if (!form.name.trim()) err("name", "Give the offer a name your team will recognise.");
  if (form.name.length > 120) err("name", "Keep the name under 120 characters.");
  const priority = intIn(form.priority, 0, 1000);
  if (priority === null) err("priority", "Priority is a whole number from 0 to 1000.");
  const moments = form.moments.filter((m) => MOMENT_IDS.includes(m));
  if (moments.length === 0) err("moments", "Pick at least one moment.");
  const startsAt = utcMs(form.startsAt);
  const endsAt = utcMs(form.endsAt);
  if (form.startsAt && startsAt === null) err("startsAt", "Not a date and time.");
  if (form.endsAt && endsAt === null) err("endsAt", "Not a date and time.");
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) err("endsAt", "The end must be after the start.");

  if (form.items.length === 0) err("items", "Pick at least one product to offer.");
  if (form.type === "bundle" && form.items.length < 2) err("items", "A bundle needs at least two products.");
  if (form.items.length > 10) err("items", "An offer holds at most 10 products.");
  const items = form.items.map((it, i) => {
    const quantity = intIn(it.quantity, 1, 99);
    if (quantity === null) err(`items.${i}.quantity`, "Quantity is a whole number from 1 to 99.");
    const p = prices[it.variantId];
    if (!p) err(`items.${i}`, "This product is no longer in the catalog: remove it or pick another.");
    return { productId: it.productId, variantId: it.variantId, quantity: quantity ?? 1, prices: p ?? {} };
  });

  let discount: Discount | undefined;
  const currencies = Object.keys(form.discount.amounts);
  if (form.discount.kind === "percent") {
    const p = intIn(form.discount.percent, 1, 100);
    if (p === null) err("discount.percent", "The discount is a whole percentage from 1 to 100.");
    else discount = { kind: "percent", percent: p };
  } else if (form.discount.kind === "fixed" || form.discount.kind === "bundle_price") {
    const amounts: Record<string, number> = {};
    for (const c of currencies) {
      const raw = form.discount.amounts[c] ?? "";
      if (!raw.trim()) {
        err(
          `discount.amounts.${c}`,
          `Enter an amount in ${c} (buyers paying in ${c} would not see the offer otherwise).`,
        );
        continue;
      }
      const minor = decimalMinor(raw, c);
      if (minor === null) err(`discount.amounts.${c}`, `Not an amount: write it like 12.50.`);
      else amounts[c] = minor;
    }
    if (form.discount.kind === "bundle_price") {
      for (const c of currencies) {
        const list = items.reduce((s, it) => s + (it.prices[c] ?? 0) * it.quantity, 0);
        if (amounts[c] !== undefined && list > 0 && amounts[c]! >= list)
          err(`discount.amounts.${c}`, `The bundle price must be below the items' total price.`);
      }
      discount = { kind: "bundle_price", prices: amounts };
    } else discount = { kind: "fixed", amounts };
  }

  let pricing: Offer["pricing"];
  if (form.pricingPercent.trim()) {
    const p = intIn(form.pricingPercent, 1, 100);
    if (p === null) err("pricingPercent", "A whole percentage from 1 to 100, or leave empty for the product's price.");
    else pricing = { percent: p, of: form.pricingOf };
  }

  const copy: Offer["copy"] = {};
  const locales = Object.keys(form.copy);
  if (locales.length === 0) err("copy", "Write the offer's copy in at least one language.");
  for (const l of locales) {
    const c = form.copy[l]!;
    if (!c.title.trim()) err(`copy.${l}.title`, "The headline buyers see is required.");
    if (c.title.length > 120) err(`copy.${l}.title`, "Keep the headline under 120 characters.");
    if (c.body.length > 500) err(`copy.${l}.body`, "Keep the text under 500 characters.");
    if (c.cta.length > 40) err(`copy.${l}.cta`, "Keep the button under 40 characters.");
    if (c.decline.length > 40) err(`copy.${l}.decline`, "Keep the decline link under 40 characters.");
    copy[l] = {
      title: c.title.trim(),
      ...(c.body.trim() ? { body: c.body.trim() } : {}),
      ...(c.cta.trim() ? { cta: c.cta.trim() } : {}),
      ...(c.decline.trim() ? { decline: c.decline.trim() } : {}),
    };
  }

  const t = form.targeting;
  const countries = list(t.countries).map((c) => c.toUpperCase());
  if (countries.some((c) => !/^[A-Z]{2}$/.test(c)))
    err("targeting.countries", "Use two-letter country codes, e.g. DE, FR, US.");
  const languages = list(t.languages).map((l) => l.toLowerCase());
  if (languages.some((l) => !/^[a-z]{2,3}(-[a-z0-9]{2,4})?$/.test(l)))
    err("targeting.languages", "Use language codes, e.g. en, de, fr-CA.");
  // A form posted without the field (an older page still open) triggers on no collection.
  const collections = [...new Set((t.collections ?? []).map((c) => c.trim()).filter(Boolean))];
  if (collections.length > MAX_TRIGGER_COLLECTIONS)
    err("targeting.collections", `Trigger on at most ${MAX_TRIGGER_COLLECTIONS} collections.`);
  if (collections.some((c) => c.length > 64))
    err("targeting.collections", "A collection id is at most 64 characters, like gid://shopify/Collection/123.");
  const subtotal: Record<string, { min: number }> = {};
  for (const [c, raw] of Object.entries(t.minSubtotal)) {
    if (!raw.trim()) continue;
    const minor = decimalMinor(raw, c);
    if (minor === null) err(`targeting.minSubtotal.${c}`, "Not an amount: write it like 50.00.");
    else subtotal[c] = { min: minor };
  }
  const targeting: NonNullable<Offer["targeting"]> = {};
  if (t.devices.length) targeting.devices = [...t.devices];
  if (countries.length) targeting.countries = countries;
  if (t.currencies.length) targeting.currencies = [...t.currencies];
  if (languages.length) targeting.languages = languages;
  if (t.buyer !== "any") targeting.buyer = t.buyer;
  if (t.triggerProducts.length) targeting.products = t.triggerProducts.map((p) => p.productId);
  if (list(t.tags).length) targeting.tags = list(t.tags);
  if (list(t.vendors).length) targeting.vendors = list(t.vendors);
  if (collections.length) targeting.collections = collections;
  if (Object.keys(subtotal).length) targeting.subtotal = subtotal;

  // Experiment arms.
  const variants: StoredVariant[] = [];
  let holdoutBps = 0;
  if (form.experiment.enabled) {
    const pct = /^\d+(\.\d{1,2})?$/.test(form.experiment.holdoutPct.trim())
      ? Math.round(Number(form.experiment.holdoutPct) * 100)
      : NaN;
    if (!(pct >= 0 && pct <= 5000)) err("experiment.holdoutPct", "The hold-out is a share from 0 to 50 %.");
    else holdoutBps = pct;
    if (form.experiment.variants.length < 1) err("experiment.variants", "Add at least one variant.");
    if (form.experiment.variants.length > 10) err("experiment.variants", "At most 10 variants.");
    const names = new Set<string>();
    form.experiment.variants.forEach((v, i) => {
      const weight = intIn(v.weight, 0, 10000);
      if (weight === null) err(`experiment.variants.${i}.weight`, "A weight is a whole number from 0 to 10000.");
      if (!v.name.trim()) err(`experiment.variants.${i}.name`, "Name the variant.");
      else if (names.has(v.name.trim())) err(`experiment.variants.${i}.name`, "Variant names must differ.");
      names.add(v.name.trim());
      let discountPercent: number | undefined;
      if (v.discountPercent.trim()) {
        const p = intIn(v.discountPercent, 1, 100);
        if (p === null)
          err(`experiment.variants.${i}.discountPercent`, "The discount is a whole percentage from 1 to 100.");
        else discountPercent = p;
      }
      if (v.title.length > 120) err(`experiment.variants.${i}.title`, "Keep the headline under 120 characters.");
      variants.push({
        id: armIds[i] ?? v.id,
        name: v.name.trim(),
        weight: weight ?? 0,
        overrides: {
          ...(v.title.trim() ? { title: v.title.trim() } : {}),
          ...(v.body.trim() ? { body: v.body.trim() } : {}),
          ...(discountPercent !== undefined ? { discountPercent } : {}),
          ...(v.design.trim() ? { design: v.design.trim() } : {}),
        },
      });
    });
    if (variants.length && variants.every((v) => v.weight === 0))
      err("experiment.variants", "At least one variant needs a weight above 0.");
  }

  if (Object.keys(errors).length) return { offer: null, variants, holdoutBps, errors };
  const offer: Offer = {
    id,
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
  if (form.design.trim()) offer.design = form.design.trim();
  if (Object.keys(targeting).length) offer.targeting = targeting;
  return { offer, variants, holdoutBps, errors };
}

/** The engine's experiment spec from the stored arms: each arm's overrides on top of the offer. */
export function experimentSpec(
  experimentId: string,
  holdoutBps: number,
  variants: StoredVariant[],
  offer: Offer,
): NonNullable<Offer["experiment"]> {
  const baseLocale = Object.keys(offer.copy)[0] ?? "en";
  return {
    id: experimentId,
    holdoutBps,
    variants: variants.map((v) => {
      const arm: NonNullable<Offer["experiment"]>["variants"][number] = { id: v.id, weight: v.weight };
      const o = v.overrides;
      if (o.title || o.body) {
        const base = offer.copy[baseLocale] ?? { title: "" };
        arm.copy = {
          [baseLocale]: { ...base, ...(o.title ? { title: o.title } : {}), ...(o.body ? { body: o.body } : {}) },
        };
      }
      if (o.discountPercent !== undefined) arm.discount = { kind: "percent", percent: o.discountPercent };
      if (o.design) arm.design = o.design;
      return arm;
    }),
  };
}

/** Engine schema issue path ("items[0].quantity") -> the form's field key ("items.0.quantity"). */
export function fieldKeyForPath(path: string): string {
  const key = path.replace(/\[(\d+)\]/g, ".$1");
  if (key.startsWith("experiment.holdoutBps")) return "experiment.holdoutPct";
  if (/^items\.\d+\.prices/.test(key)) return key.replace(/\.prices.*$/, "");
  if (key.startsWith("discount.prices")) return key.replace("discount.prices", "discount.amounts");
  return key;
}
