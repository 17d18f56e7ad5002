/**
 * The offer form's rules, one function per part of the form: each checks its fields, reports a
 * plain-words message per field key ("items.0.quantity") in the merchant's language (`t`, from the
 * admin's catalogue, `rules.*`; English by default) and returns that part of the engine's `Offer`.
 * The form's zod schema (form-schema.ts) runs them in form order.
 */
import {
  formatMinor,
  MOMENT_IDS,
  splitImageUrl,
  SWAP_MOMENTS,
  type Design,
  type Discount,
  type Offer,
} from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { DEFAULT_DESIGN, isDesign } from "./designs";
import { MAX_TRIGGER_COLLECTIONS, type OfferForm, type StoredVariant } from "./form-model";
import { typedAmountToMinor } from "./money";

/** Reports a message for a field key (the first message reported for a key is the one shown). */
export type Report = (field: string, message: string) => void;
type Item = Offer["items"][number];

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

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

/** Variant and plan upgrades swap a cart line instead of adding one (decision 027). */
const isUpgrade = (form: OfferForm) => form.type === "variant_upgrade" || form.type === "subscription_upgrade";

/** Name, priority, moments and schedule. */
export function basics(form: OfferForm, err: Report, t: AdminT = englishT) {
  if (!form.name.trim()) err("name", t("rules.nameRequired"));
  if (form.name.length > 120) err("name", t("rules.nameTooLong"));
  const priority = intIn(form.priority, 0, 1000);
  if (priority === null) err("priority", t("rules.priority"));
  const moments = form.moments.filter((m) => MOMENT_IDS.includes(m));
  if (moments.length === 0) err("moments", t("rules.momentsRequired"));
  const afterPayment = isUpgrade(form) ? moments.filter((m) => !SWAP_MOMENTS.includes(m)) : [];
  if (afterPayment.length)
    err("moments", t("rules.upgradeAfterPayment", { moments: afterPayment.map((m) => t(`moments.${m}`)).join(", ") }));
  const startsAt = utcMs(form.startsAt);
  const endsAt = utcMs(form.endsAt);
  if (form.startsAt && startsAt === null) err("startsAt", t("rules.notDateTime"));
  if (form.endsAt && endsAt === null) err("endsAt", t("rules.notDateTime"));
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) err("endsAt", t("rules.endBeforeStart"));
  return { priority, moments, startsAt, endsAt };
}

/**
 * The products offered, priced from the catalog (`prices`), never from the form. A plan upgrade
 * sells its variant on the variant's selling plan, also from the catalog (`sellingPlans`).
 */
export function items(
  form: OfferForm,
  prices: Record<string, Record<string, number>>,
  err: Report,
  sellingPlans: Record<string, string> = {},
  t: AdminT = englishT,
): Item[] {
  // A dynamic offer's product is chosen per cart from the complement table (decision 034).
  if (form.type === "dynamic") return [];
  if (form.items.length === 0) err("items", t("rules.itemsRequired"));
  if (form.type === "bundle" && form.items.length < 2) err("items", t("rules.bundleTwoItems"));
  if (form.items.length > 10) err("items", t("rules.itemsMax"));
  if (isUpgrade(form) && form.items.length > 1) err("items", t("rules.upgradeOneItem"));
  return form.items.map((it, i) => {
    const quantity = intIn(it.quantity, 1, 99);
    if (quantity === null) err(`items.${i}.quantity`, t("rules.quantity"));
    const p = prices[it.variantId];
    if (!p) err(`items.${i}`, t("rules.notInCatalog"));
    const item: Item = { productId: it.productId, variantId: it.variantId, quantity: quantity ?? 1, prices: p ?? {} };
    if (form.type !== "subscription_upgrade" || !p) return item;
    const plan = sellingPlans[it.variantId];
    if (plan) item.sellingPlanId = plan;
    else err(`items.${i}`, t("rules.noSellingPlan"));
    return item;
  });
}

/** Percent off, amount off or bundle price (per currency, in its minor units). */
export function discount(form: OfferForm, offered: Item[], err: Report, t: AdminT = englishT): Discount | undefined {
  const d = form.discount;
  // A dynamic offer's product is only known per cart, so an amount could exceed its price (and give
  // it away): its discount is a percentage (decision 034).
  if (form.type === "dynamic" && d.kind !== "percent") err("discount.kind", t("rules.dynamicPercentOnly"));
  if (d.kind === "percent") {
    const p = intIn(d.percent, 1, 100);
    if (p === null) err("discount.percent", t("rules.percent"));
    return p === null ? undefined : { kind: "percent", percent: p };
  }
  if (d.kind !== "fixed" && d.kind !== "bundle_price") return undefined;
  const currencies = Object.keys(d.amounts);
  const amounts: Record<string, number> = {};
  for (const c of currencies) {
    const raw = d.amounts[c] ?? "";
    if (!raw.trim()) {
      err(`discount.amounts.${c}`, t("rules.amountRequired", { currency: c }));
      continue;
    }
    const minor = typedAmountToMinor(raw, c);
    if (minor === null) err(`discount.amounts.${c}`, t("rules.notAmount"));
    else amounts[c] = minor;
  }
  for (const c of currencies) {
    const total = offered.reduce((s, it) => s + (it.prices[c] ?? 0) * it.quantity, 0);
    if (amounts[c] === undefined || total <= 0 || amounts[c]! < total) continue;
    // An amount off as large as the price is a typo far more often than a gift: the engine would
    // price the offer at zero. (A warranty priced as a percentage has no list total to compare.)
    if (d.kind === "bundle_price") err(`discount.amounts.${c}`, t("rules.bundleBelowTotal"));
    else if (!form.pricingPercent.trim())
      err(`discount.amounts.${c}`, t("rules.amountGivesAway", { total: `${formatMinor(total, c)} ${c}` }));
  }
  if (d.kind === "fixed") return { kind: "fixed", amounts };
  return { kind: "bundle_price", prices: amounts };
}

/** Warranty / protection priced as a percentage of the covered line or the subtotal. */
export function pricing(form: OfferForm, err: Report, t: AdminT = englishT): Offer["pricing"] {
  if (!form.pricingPercent.trim()) return undefined;
  const p = intIn(form.pricingPercent, 1, 100);
  if (p === null) err("pricingPercent", t("rules.pricingPercent"));
  return p === null ? undefined : { percent: p, of: form.pricingOf };
}

/** The copy per language, trimmed (empty optional texts left out). */
export function copy(form: OfferForm, err: Report, t: AdminT = englishT): Offer["copy"] {
  const out: Offer["copy"] = {};
  const locales = Object.keys(form.copy);
  if (locales.length === 0) err("copy", t("rules.copyRequired"));
  for (const l of locales) {
    const c = form.copy[l]!;
    if (!c.title.trim()) err(`copy.${l}.title`, t("rules.headlineRequired"));
    if (c.title.length > 120) err(`copy.${l}.title`, t("rules.headlineTooLong"));
    if (c.body.length > 500) err(`copy.${l}.body`, t("rules.bodyTooLong"));
    if (c.cta.length > 40) err(`copy.${l}.cta`, t("rules.ctaTooLong"));
    if (c.decline.length > 40) err(`copy.${l}.decline`, t("rules.declineTooLong"));
    out[l] = {
      title: c.title.trim(),
      ...(c.body.trim() ? { body: c.body.trim() } : {}),
      ...(c.cta.trim() ? { cta: c.cta.trim() } : {}),
      ...(c.decline.trim() ? { decline: c.decline.trim() } : {}),
    };
  }
  return out;
}

/** Who sees the offer; empty fields target everyone. */
export function targeting(form: OfferForm, err: Report, tr: AdminT = englishT): NonNullable<Offer["targeting"]> {
  const t = form.targeting;
  const countries = list(t.countries).map((c) => c.toUpperCase());
  if (countries.some((c) => !/^[A-Z]{2}$/.test(c))) err("targeting.countries", tr("rules.countries"));
  const languages = list(t.languages).map((l) => l.toLowerCase());
  if (languages.some((l) => !/^[a-z]{2,3}(-[a-z0-9]{2,4})?$/.test(l)))
    err("targeting.languages", tr("rules.languages"));
  // A form posted without the field (an older page still open) triggers on no collection.
  const collections = [...new Set((t.collections ?? []).map((c) => c.trim()).filter(Boolean))];
  if (collections.length > MAX_TRIGGER_COLLECTIONS)
    err("targeting.collections", tr("rules.collectionsMax", { max: MAX_TRIGGER_COLLECTIONS }));
  if (collections.some((c) => c.length > 64)) err("targeting.collections", tr("rules.collectionId"));
  const subtotal: Record<string, { min: number }> = {};
  for (const [c, raw] of Object.entries(t.minSubtotal)) {
    if (!raw.trim()) continue;
    const minor = typedAmountToMinor(raw, c);
    if (minor === null) err(`targeting.minSubtotal.${c}`, tr("rules.minSubtotal"));
    else subtotal[c] = { min: minor };
  }
  const out: NonNullable<Offer["targeting"]> = {};
  if (t.devices.length) out.devices = [...t.devices];
  if (countries.length) out.countries = countries;
  if (t.currencies.length) out.currencies = [...t.currencies];
  if (languages.length) out.languages = languages;
  if (t.buyer !== "any") out.buyer = t.buyer;
  if (t.triggerProducts.length) out.products = t.triggerProducts.map((p) => p.productId);
  if (list(t.tags).length) out.tags = list(t.tags);
  if (list(t.vendors).length) out.vendors = list(t.vendors);
  if (collections.length) out.collections = collections;
  if (Object.keys(subtotal).length) out.subtotal = subtotal;
  return out;
}

/** The layout buyers see; the default layout is left out of the offer (absent means it). */
export function design(form: OfferForm, err: Report, t: AdminT = englishT): Design | undefined {
  if (!isDesign(form.design)) {
    err("design", t("rules.design"));
    return undefined;
  }
  return form.design === DEFAULT_DESIGN ? undefined : form.design;
}

/**
 * The offer's image: its first product's image in the catalog (`images`, productId -> URL), never
 * from the form. An image the model cannot hold (`splitImageUrl`) leaves the offer without one.
 */
export function image(items: readonly Item[], images: Record<string, string>): Offer["image"] {
  const url = items[0] ? images[items[0].productId] : undefined;
  return (url && splitImageUrl(url)) || undefined;
}

/** The experiment's arms and hold-out (none when the experiment is off). */
export function experiment(form: OfferForm, armIds: string[], err: Report, t: AdminT = englishT) {
  const variants: StoredVariant[] = [];
  let holdoutBps = 0;
  if (!form.experiment.enabled) return { variants, holdoutBps };
  const pct = /^\d+(\.\d{1,2})?$/.test(form.experiment.holdoutPct.trim())
    ? Math.round(Number(form.experiment.holdoutPct) * 100)
    : NaN;
  if (!(pct >= 0 && pct <= 5000)) err("experiment.holdoutPct", t("rules.holdout"));
  else holdoutBps = pct;
  if (form.experiment.variants.length < 1) err("experiment.variants", t("rules.variantsRequired"));
  if (form.experiment.variants.length > 10) err("experiment.variants", t("rules.variantsMax"));
  const names = new Set<string>();
  form.experiment.variants.forEach((v, i) => {
    const weight = intIn(v.weight, 0, 10000);
    if (weight === null) err(`experiment.variants.${i}.weight`, t("rules.weight"));
    if (!v.name.trim()) err(`experiment.variants.${i}.name`, t("rules.variantName"));
    else if (names.has(v.name.trim())) err(`experiment.variants.${i}.name`, t("rules.variantNamesDiffer"));
    names.add(v.name.trim());
    let discountPercent: number | undefined;
    if (v.discountPercent.trim()) {
      const p = intIn(v.discountPercent, 1, 100);
      if (p === null) err(`experiment.variants.${i}.discountPercent`, t("rules.percent"));
      else discountPercent = p;
    }
    if (v.title.length > 120) err(`experiment.variants.${i}.title`, t("rules.headlineTooLong"));
    if (v.design && !isDesign(v.design)) err(`experiment.variants.${i}.design`, t("rules.variantDesign"));
    variants.push({
      id: armIds[i] ?? v.id,
      name: v.name.trim(),
      weight: weight ?? 0,
      overrides: {
        ...(v.title.trim() ? { title: v.title.trim() } : {}),
        ...(v.body.trim() ? { body: v.body.trim() } : {}),
        ...(discountPercent !== undefined ? { discountPercent } : {}),
        ...(isDesign(v.design) ? { design: v.design } : {}),
      },
    });
  });
  if (variants.length && variants.every((v) => v.weight === 0)) err("experiment.variants", t("rules.weightAboveZero"));
  return { variants, holdoutBps };
}
