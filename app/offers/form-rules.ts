/**
 * The offer form's rules, one function per part of the form: each checks its fields, reports a
 * plain-words message per field key ("items.0.quantity") and returns that part of the engine's
 * `Offer`. The form's zod schema (form-schema.ts) runs them in form order.
 */
import { formatMinor, MOMENT_IDS, type Discount, type Offer } from "@moments/engine";
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

/** Name, priority, moments and schedule. */
export function basics(form: OfferForm, err: Report) {
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
  return { priority, moments, startsAt, endsAt };
}

/** The products offered, priced from the catalog (`prices`), never from the form. */
export function items(form: OfferForm, prices: Record<string, Record<string, number>>, err: Report): Item[] {
  if (form.items.length === 0) err("items", "Pick at least one product to offer.");
  if (form.type === "bundle" && form.items.length < 2) err("items", "A bundle needs at least two products.");
  if (form.items.length > 10) err("items", "An offer holds at most 10 products.");
  return form.items.map((it, i) => {
    const quantity = intIn(it.quantity, 1, 99);
    if (quantity === null) err(`items.${i}.quantity`, "Quantity is a whole number from 1 to 99.");
    const p = prices[it.variantId];
    if (!p) err(`items.${i}`, "This product is no longer in the catalog: remove it or pick another.");
    return { productId: it.productId, variantId: it.variantId, quantity: quantity ?? 1, prices: p ?? {} };
  });
}

/** Percent off, amount off or bundle price (per currency, in its minor units). */
export function discount(form: OfferForm, offered: Item[], err: Report): Discount | undefined {
  const d = form.discount;
  if (d.kind === "percent") {
    const p = intIn(d.percent, 1, 100);
    if (p === null) err("discount.percent", "The discount is a whole percentage from 1 to 100.");
    return p === null ? undefined : { kind: "percent", percent: p };
  }
  if (d.kind !== "fixed" && d.kind !== "bundle_price") return undefined;
  const currencies = Object.keys(d.amounts);
  const amounts: Record<string, number> = {};
  for (const c of currencies) {
    const raw = d.amounts[c] ?? "";
    if (!raw.trim()) {
      err(
        `discount.amounts.${c}`,
        `Enter an amount in ${c} (buyers paying in ${c} would not see the offer otherwise).`,
      );
      continue;
    }
    const minor = typedAmountToMinor(raw, c);
    if (minor === null) err(`discount.amounts.${c}`, `Not an amount: write it like 12.50.`);
    else amounts[c] = minor;
  }
  for (const c of currencies) {
    const total = offered.reduce((s, it) => s + (it.prices[c] ?? 0) * it.quantity, 0);
    if (amounts[c] === undefined || total <= 0 || amounts[c]! < total) continue;
    // An amount off as large as the price is a typo far more often than a gift: the engine would
    // price the offer at zero. (A warranty priced as a percentage has no list total to compare.)
    if (d.kind === "bundle_price") err(`discount.amounts.${c}`, `The bundle price must be below the items' total price.`);
    else if (!form.pricingPercent.trim())
      err(`discount.amounts.${c}`, `The amount off must be below the items' price (${formatMinor(total, c)} ${c}): this would give them away.`);
  }
  if (d.kind === "fixed") return { kind: "fixed", amounts };
  return { kind: "bundle_price", prices: amounts };
}

/** Warranty / protection priced as a percentage of the covered line or the subtotal. */
export function pricing(form: OfferForm, err: Report): Offer["pricing"] {
  if (!form.pricingPercent.trim()) return undefined;
  const p = intIn(form.pricingPercent, 1, 100);
  if (p === null) err("pricingPercent", "A whole percentage from 1 to 100, or leave empty for the product's price.");
  return p === null ? undefined : { percent: p, of: form.pricingOf };
}

/** The copy per language, trimmed (empty optional texts left out). */
export function copy(form: OfferForm, err: Report): Offer["copy"] {
  const out: Offer["copy"] = {};
  const locales = Object.keys(form.copy);
  if (locales.length === 0) err("copy", "Write the offer's copy in at least one language.");
  for (const l of locales) {
    const c = form.copy[l]!;
    if (!c.title.trim()) err(`copy.${l}.title`, "The headline buyers see is required.");
    if (c.title.length > 120) err(`copy.${l}.title`, "Keep the headline under 120 characters.");
    if (c.body.length > 500) err(`copy.${l}.body`, "Keep the text under 500 characters.");
    if (c.cta.length > 40) err(`copy.${l}.cta`, "Keep the button under 40 characters.");
    if (c.decline.length > 40) err(`copy.${l}.decline`, "Keep the decline link under 40 characters.");
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
export function targeting(form: OfferForm, err: Report): NonNullable<Offer["targeting"]> {
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
    const minor = typedAmountToMinor(raw, c);
    if (minor === null) err(`targeting.minSubtotal.${c}`, "Not an amount: write it like 50.00.");
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

/** The experiment's arms and hold-out (none when the experiment is off). */
export function experiment(form: OfferForm, armIds: string[], err: Report) {
  const variants: StoredVariant[] = [];
  let holdoutBps = 0;
  if (!form.experiment.enabled) return { variants, holdoutBps };
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
  return { variants, holdoutBps };
}
