/**
 * Fixed strings a buyer reads, from locale files (`en.default.json`, `de.json`, ...), for the
 * surfaces Shopify does not translate for us: the post-purchase extension (its API gives only the
 * buyer's locale, `inputData.locale`) and the app's own pages and follow-up email. Shopify's
 * conventions: nested keys, `{{name}}` placeholders, the default language as the fallback for a
 * language without a file and for a key a file lacks. Free of I/O and frameworks: the extension
 * bundles it, the server imports it.
 */

import type { CurrencyDisplay } from "@moments/engine";
// The money module alone: the engine's index carries validators a bundle cannot tree-shake away.
import { exponent, formatMinor } from "@moments/engine/money";

export type Messages = { readonly [key: string]: string | Messages };

/** Every dotted path to a string of a locale file's type: "offer.youSave". */
export type MessageKey<M> = {
  [K in keyof M & string]: M[K] extends string ? K : `${K}.${MessageKey<M[K]>}`;
}[keyof M & string];

export type Vars = Readonly<Record<string, string | number>>;
export type Translate<M> = (key: MessageKey<M>, vars?: Vars) => string;

/** A BCP 47-ish tag as Shopify and browsers send it, normalised: "de_CH " -> "de-ch". */
const normalise = (locale: string | null | undefined) => (locale ?? "").trim().replace(/_/g, "-").toLowerCase();

/**
 * The language of `available` that serves `locale`: the tag itself, else its language ("de-CH" ->
 * "de"), else `fallback` ("pt" -> "en"; empty or missing -> "en").
 */
export function pickLanguage<L extends string>(
  locale: string | null | undefined,
  available: readonly L[],
  fallback: L,
): L {
  return served(locale, available) ?? fallback;
}

function served<L extends string>(locale: string | null | undefined, available: readonly L[]): L | undefined {
  const tag = normalise(locale);
  if (!tag) return undefined;
  const language = tag.split("-")[0];
  return available.find((l) => l.toLowerCase() === tag) ?? available.find((l) => l.toLowerCase() === language);
}

/**
 * The buyer's locale as Intl accepts it, for numbers and money: the tag, else its language, else
 * `fallback` (Intl throws on a malformed tag, and a formatting error must never reach a buyer).
 */
export function intlLocale(locale: string | null | undefined, fallback = "en"): string {
  const tag = (locale ?? "").trim().replace(/_/g, "-");
  for (const candidate of [tag, tag.split("-")[0]]) {
    if (!candidate) continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate);
      if (canonical) return canonical;
    } catch {
      // not a tag Intl knows: try the next candidate
    }
  }
  return fallback;
}

/**
 * Integer minor units -> money in the buyer's locale, e.g. 3120 EUR "de" -> "31,20 €". The amount
 * is scaled by the currency's ISO 4217 exponent (the engine's, the unit every amount is stored in),
 * not by Intl's display digits, which differ for some currencies (HUF, IDR, COP: 2 in ISO, 0 in
 * CLDR; IQD 3 and 0): 123400 HUF minor reads "HUF 1,234" (Intl's digits, the fraction being
 * zero) and 123456 "HUF 1,234.56" (every digit: never rounded, never rescaled). Intl formats the
 * decimal string exactly, so the amount never becomes a binary float.
 */
export function formatMoney(
  minor: number,
  currency: string,
  locale: string | null | undefined,
  currencyDisplay: CurrencyDisplay = "symbol",
): string {
  const decimal = formatMinor(minor, currency);
  const digits = exponent(currency);
  const fraction = /[1-9]/.test(decimal.split(".")[1] ?? "");
  const options: Intl.NumberFormatOptions = { style: "currency", currency, currencyDisplay };
  if (fraction) Object.assign(options, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  // Intl reads a numeric string as an exact decimal (Intl.NumberFormat v3); typed as number for ES2022 programs.
  return new Intl.NumberFormat(intlLocale(locale), options).format(decimal as unknown as number);
}

/**
 * The first language of an HTTP Accept-Language header (by q, then order) that `available`
 * serves, else `fallback`: for pages reached without a known buyer locale.
 */
export function fromAcceptLanguage<L extends string>(
  header: string | null | undefined,
  available: readonly L[],
  fallback: L,
): L {
  const ranked = (header ?? "")
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.tag !== "*" && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = served(tag, available);
    if (language) return language;
  }
  return fallback;
}

function lookup(messages: Messages | undefined, key: string): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split(".")) {
    if (node === undefined || typeof node === "string") return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** Replaces `{{name}}` with `vars.name`; a placeholder without a value stays visible, never blank. */
export function interpolate(template: string, vars: Vars = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** `t(key, vars)` over one language's messages, each key falling back to the default file's. */
export function translator<M extends Messages>(messages: Messages | undefined, fallback: M): Translate<M> {
  return (key, vars) => interpolate(lookup(messages, key) ?? lookup(fallback, key) ?? key, vars);
}

/** Every key path of a messages tree with its placeholders, to check locale files against the default. */
export function placeholdersByKey(messages: Messages, prefix = ""): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort());
    else for (const [k, v] of placeholdersByKey(value, path)) out.set(k, v);
  }
  return out;
}
