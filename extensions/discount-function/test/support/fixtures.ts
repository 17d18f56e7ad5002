import { decodePayload, encodePayload, offerToken, type Offer, type Settings } from "@moments/engine";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { DEMO_OFFERS } from "~/demo/demo-offers";
import {
  functionShards,
  type InputLine,
  inputVariables,
  type InputVariables,
  joinShards,
  type RunInput,
  SHARD_ALIASES,
  SHARD_MAX_BYTES,
  type ShardAlias,
  splitUtf8,
} from "@moments/contracts";
import { formatMinor } from "@moments/engine";

export const PUBLISHED_AT = Date.UTC(2026, 10, 20, 8);
export const TODAY = "2026-11-24";
export const settings: Settings = { journeyCap: 3, defaultLocale: "en" };
export const demoOffers: Offer[] = DEMO_OFFERS.map(({ name: _name, ...o }) => o);

export interface LineSpec {
  product: string;
  variant?: string;
  quantity?: number;
  /** Unit price override (minor units), e.g. a merchant price change after publishing. */
  unit?: number;
  offer?: { id: string; moment: string; arm?: string; publishedAt?: number };
  /** Raw attribute overrides (forgeries). */
  attrs?: Partial<Record<"offer" | "arm" | "moment" | "token", string>>;
  sellingPlanId?: string;
  /** The product's tags in the store (default: the demo catalog's). */
  tags?: string[];
  /** The product's collection GIDs in the store (default: none). */
  collections?: string[];
}

const NO_VARIABLES: InputVariables = { tags: [], collections: [] };

/**
 * A plain EUR cart line for any product (no offer attributes, no tags or collections), as the
 * input query answers it: for tests whose products are not the demo catalog's.
 */
export function plainInputLine(id: string, productId: string, variantId: string, unitMinor: number, quantity = 1): InputLine {
  const eur = (minor: number) => ({ amount: (minor / 100).toFixed(2), currencyCode: "EUR" });
  return {
    id,
    quantity,
    cost: { amountPerQuantity: eur(unitMinor), subtotalAmount: eur(unitMinor * quantity) },
    offer: null,
    arm: null,
    moment: null,
    token: null,
    sellingPlanAllocation: null,
    merchandise: {
      __typename: "ProductVariant",
      id: variantId,
      product: { id: productId, vendor: null, productType: null, hasTags: [], inCollections: [] },
    },
  };
}

let n = 0;
/**
 * One cart line as Shopify answers the input query. `variables` are the input query's $tags and
 * $collections (the discount's metafield): the product is asked about exactly those.
 */
export function inputLine(spec: LineSpec, currency: "EUR" | "USD", variables = NO_VARIABLES): InputLine {
  const pi = DEMO_CATALOG.findIndex((p) => p.key === spec.product);
  const vKey = spec.variant ?? spec.product;
  const vi = DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === vKey);
  const v = DEMO_CATALOG[pi]!.variants[vi]!;
  const unit = spec.unit ?? (currency === "EUR" ? v.eur : v.usd);
  const q = spec.quantity ?? 1;
  const money = (minor: number) => ({ amount: formatMinor(minor, currency), currencyCode: currency });
  const a: Record<string, string | undefined> = {};
  if (spec.offer) {
    a.offer = spec.offer.id;
    // A demo offer that runs an experiment is added by a buyer of one of its arms: the first, unless said.
    const offerId = spec.offer.id;
    a.arm = spec.offer.arm ?? demoOffers.find((o) => o.id === offerId)?.experiment?.variants[0]?.id;
    a.moment = spec.offer.moment;
    a.token = offerToken(spec.offer.id, a.arm, spec.offer.moment, spec.offer.publishedAt ?? PUBLISHED_AT);
  }
  Object.assign(a, spec.attrs);
  const attr = (x: string | undefined) => (x === undefined ? null : { value: x });
  const tags = spec.tags ?? DEMO_CATALOG[pi]!.tags;
  const collections = spec.collections ?? [];
  return {
    id: `gid://shopify/CartLine/${++n}`,
    quantity: q,
    cost: { amountPerQuantity: money(unit), subtotalAmount: money(unit * q) },
    offer: attr(a.offer),
    arm: attr(a.arm),
    moment: attr(a.moment),
    token: attr(a.token),
    sellingPlanAllocation: spec.sellingPlanId ? { sellingPlan: { id: spec.sellingPlanId } } : null,
    merchandise: {
      __typename: "ProductVariant",
      id: demoVariantGid(pi, vi),
      product: {
        id: demoProductGid(pi),
        vendor: DEMO_CATALOG[pi]!.vendor,
        productType: DEMO_CATALOG[pi]!.productType,
        hasTags: variables.tags.map((tag) => ({ tag, hasTag: tags.includes(tag) })),
        inCollections: variables.collections.map((collectionId) => ({
          collectionId,
          isMember: collections.includes(collectionId),
        })),
      },
    },
  };
}

export function runInput(
  lines: LineSpec[],
  opts: {
    currency?: "EUR" | "USD";
    offers?: Offer[];
    payload?: string | null;
    date?: string;
    classes?: RunInput["discount"]["discountClasses"];
    /** The input query's variables (default: what the publisher writes for this payload). */
    variables?: InputVariables;
    /** Raw shard values (null: no metafield), instead of what the publisher writes for `payload`. */
    shards?: Array<string | null>;
  } = {},
): RunInput {
  const currency = opts.currency ?? "EUR";
  const variables = opts.variables ?? variablesFor(opts.payload === undefined ? encode(opts.offers) : opts.payload);
  const ls = lines.map((l) => inputLine(l, currency, variables));
  const subtotal = ls.reduce((s, l) => s + Number(l.cost.subtotalAmount.amount.replace(".", "")), 0);
  const payload = opts.payload === undefined ? encode(opts.offers) : opts.payload;
  return {
    cart: { cost: { subtotalAmount: { amount: formatMinor(subtotal, currency), currencyCode: currency } }, lines: ls },
    discount: { discountClasses: opts.classes ?? ["PRODUCT"] },
    shop: { localTime: { date: opts.date ?? TODAY }, ...shopShards(opts.shards ?? shardsFor(payload)) },
  };
}

/**
 * The shard metafields as the publisher writes them for this (full) payload JSON: decoded, made
 * lean and split (src/shards.ts). Null: never published (no metafield at all). A payload that does
 * not decode is split as it is, for the function to reject.
 */
export function shardsFor(payload: string | null): Array<string | null> {
  if (payload === null) return SHARD_ALIASES.map(() => null);
  const decoded = decodePayload(payload);
  if (decoded.ok) return functionShards(decoded.payload).values;
  const pieces = splitUtf8(payload, SHARD_MAX_BYTES);
  return SHARD_ALIASES.map((_, i) => pieces[i] ?? null);
}

/** Shard values (null: no such metafield) as the input query's `shop` answers them. */
export function shopShards(values: ReadonlyArray<string | null>): Pick<RunInput["shop"], ShardAlias> {
  const shop = {} as Pick<RunInput["shop"], ShardAlias>;
  SHARD_ALIASES.forEach((alias, i) => {
    const value = values[i];
    shop[alias] = value === null || value === undefined ? null : { value };
  });
  return shop;
}

/** The function payload JSON an input carries (its shards joined), or null. */
export function payloadOf(input: RunInput): string | null {
  const joined = joinShards(SHARD_ALIASES.map((alias) => input.shop[alias]?.value));
  return joined.kind === "json" ? joined.json : null;
}

const encode = (offers: Offer[] | undefined) => encodePayload(offers ?? demoOffers, settings, PUBLISHED_AT);

/** The variables the publisher writes on the discount for this payload. */
export function variablesFor(payload: string | null): InputVariables {
  const decoded = payload ? decodePayload(payload) : null;
  return decoded?.ok ? inputVariables(decoded.payload) : NO_VARIABLES;
}
