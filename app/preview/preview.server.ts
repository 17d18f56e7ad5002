/**
 * Live preview: the engine's own decision for the offer being edited, for a sample cart (and its
 * total), a first-time or returning buyer, device, country, currency and locale, beside the shop's
 * other live offers (so priority, caps and conflicts show as they would for a buyer). Nothing here
 * prices or filters by itself.
 */
import type { PrismaClient, Shop } from "@prisma/client";
import {
  assign,
  decide,
  MOMENT_IDS,
  type CurrencyDisplay,
  type Design,
  type Offer,
  type Payload,
} from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { experimentSpec, type OfferForm, type FieldErrors } from "~/offers/form";
import { downsellChoices, shopPriceFloor, validateOfferForm } from "~/offers/offers.server";
import { offerFromRow, shopSettings } from "~/publish/publish.server";
import { buildComplements, COMPLEMENT_READ } from "~/publish/complements.server";
import { typedAmountToMinor } from "~/offers/money";
import { formatMoney } from "~/lib/money";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { whyNotWords } from "./why-not";
import type { PreviewContext } from "./context";

export type { PreviewContext };

export interface PreviewCard {
  title: string;
  body: string | null;
  cta: string;
  decline: string;
  currency: string;
  /** Intl currencyDisplay from Settings, so the preview shows prices as buyers will see them. */
  currencyDisplay: CurrencyDisplay;
  original: number;
  final: number;
  savings: number;
  locale: string;
  /** The layout buyers see (the arm's or the offer's; decision 024). */
  design: Design;
  /** The product image's URL as buyers load it, when the offer has one. */
  image?: string | null;
  lines: Array<{ title: string; quantity: number }>;
}

export interface PreviewResult {
  errors: FieldErrors;
  card: PreviewCard | null;
  /** Why the offer is not shown, in plain words (empty when shown). */
  whyNot: string[];
  armLabel: string | null;
  cartLabel: string;
  /** Said beside the card: the offer is a linked downsell, previewed as after that decline. */
  note?: string | null;
}

const PREVIEW_OFFER_ID = "preview";

/** A buyer key the engine assigns to the wanted arm, so the merchant can look at each one. */
function buyerKeyFor(offer: Offer, arm: string): { key: string; label: string | null } {
  const exp = offer.experiment;
  if (!exp) return { key: "preview-buyer", label: null };
  const want = arm === "holdout" ? "holdout" : arm === "assigned" ? null : exp.variants[Number(arm)]?.id;
  for (let i = 0; i < 5000; i++) {
    const key = `preview-buyer-${i}`;
    const a = assign(exp, key);
    const got = a.kind === "holdout" ? "holdout" : a.armId;
    if (want === null || want === undefined || got === want) return { key, label: got };
  }
  return { key: "preview-buyer-0", label: null };
}

export async function previewOffer(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  input: {
    form: OfferForm;
    offerId: string | null;
    context: PreviewContext;
    armNames: string[];
    /** The merchant's language and locale for the preview's words and money (English by default). */
    admin?: { t: AdminT; intl: string };
  },
  now = Date.now(),
): Promise<PreviewResult> {
  const { context } = input;
  const { t, intl } = input.admin ?? { t: englishT, intl: "en" };
  const armIds = input.form.experiment.variants.map((_, i) => `arm${i}`);
  // The shop's other offers: what "When declined, show" may name, and those naming this offer.
  const choices = await downsellChoices(prisma, shop.id, input.offerId);
  const floor = await shopPriceFloor(prisma, shop.id);
  const valid = await validateOfferForm(input.form, PREVIEW_OFFER_ID, gateway, armIds, choices, t, floor);
  if (!valid.ok)
    return {
      errors: valid.errors,
      card: null,
      whyNot: [t("preview.incomplete"), ...Object.values(valid.errors).slice(0, 3)],
      armLabel: null,
      cartLabel: "",
    };

  // The draft as it will be published: active, and with its experiment if it has one.
  const offer: Offer = { ...valid.offer, status: "active" };
  if (input.form.experiment.enabled) {
    offer.experiment = experimentSpec("preview-exp", valid.holdoutBps, valid.variants, offer);
  }
  // An offer other offers name as their downsell is previewed as buyers meet it: after they decline
  // one of those (live or not), in its place (decision 027).
  const parentIds = input.offerId ? choices.filter((c) => c.downsell === input.offerId).map((c) => c.id) : [];
  const others = (
    await prisma.offer.findMany({
      where: {
        shopId: shop.id,
        OR: [{ status: "active" }, { id: { in: parentIds } }],
        ...(input.offerId ? { id: { not: input.offerId } } : {}),
      },
    })
  )
    .map((row) => offerFromRow(parentIds.includes(row.id) ? { ...row, status: "active" } : row))
    .filter((o): o is Offer => o !== null)
    .map((o) => (o.downsell !== undefined && o.downsell === input.offerId ? { ...o, downsell: PREVIEW_OFFER_ID } : o));
  const payload: Payload = {
    v: 1,
    publishedAt: now,
    settings: await shopSettings(prisma, shop.id),
    offers: [offer, ...others],
  };
  // Dynamic offers choose from the complement table a publish would write now (decision 034).
  if (payload.offers.some((o) => o.type === "dynamic"))
    payload.complements = await buildComplements(prisma, shop.id, (ids) => gateway.getProducts(ids, COMPLEMENT_READ));
  const complementIds = (payload.complements ?? []).flatMap((c) => c.items.map((i) => i.productId));

  // The sample cart: one line of the chosen catalog variant.
  const [cartProductId = "", cartVariantId = ""] = context.cartLine.split("|");
  // The cart's and the offer's products whole; the complements' (up to 150) as far as a complement
  // is read (its first 10 variants), with their collections for the targeting: 14 a query, not 2.
  const whole = [...new Set([cartProductId, ...offer.items.map((i) => i.productId)].filter(Boolean))];
  const products = [
    ...(await gateway.getProducts(whole)),
    ...(await gateway.getProducts(
      [...new Set(complementIds)].filter((id) => !whole.includes(id)),
      { ...COMPLEMENT_READ, collections: true },
    )),
  ];
  const variantInfo = new Map(products.flatMap((p) => p.variants.map((v) => [v.id, { p, v }] as const)));
  const lines = [];
  const sample = variantInfo.get(cartVariantId);
  if (sample && sample.v.prices[context.currency] !== undefined) {
    lines.push({
      productId: sample.p.id,
      variantId: sample.v.id,
      quantity: 1,
      unitPrice: sample.v.prices[context.currency]!,
      vendor: sample.p.vendor,
      tags: sample.p.tags,
      collectionIds: sample.p.collections,
      // A variant sold on a plan is in the cart on it (what a plan upgrade swaps).
      ...(sample.v.sellingPlanId ? { sellingPlanId: sample.v.sellingPlanId } : {}),
    });
  }
  // The cart's total: the sample line's price, or the total the merchant typed (the rest of a cart).
  const typedTotal = context.cartTotal?.trim() ? typedAmountToMinor(context.cartTotal, context.currency) : undefined;
  if (typedTotal === null)
    return {
      errors: {},
      card: null,
      whyNot: [t("preview.badCartTotal", { currency: context.currency })],
      armLabel: null,
      cartLabel: "",
    };
  const linesTotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const cart = { lines, subtotal: typedTotal ?? linesTotal, currency: context.currency };
  const moment = MOMENT_IDS.includes(context.moment) ? context.moment : offer.moments[0]!;
  const buyer = buyerKeyFor(offer, context.arm);
  const decision = decide({
    now,
    moments: [moment],
    buyerKey: buyer.key,
    cart,
    country: context.country,
    locale: context.locale,
    device: context.device,
    buyer: { returning: context.buyer === "returning" },
    journey: { declined: parentIds },
    payload,
  });
  const at = decision.moments[0]!;
  const shown = at.offers.find((o) => o.offerId === PREVIEW_OFFER_ID);
  const armIndex = buyer.label === null || buyer.label === "holdout" ? -1 : armIds.indexOf(buyer.label);
  const armLabel =
    buyer.label === "holdout"
      ? t("preview.armHoldout")
      : armIndex >= 0
        ? t("preview.armVariant", { name: input.armNames[armIndex] ?? armIndex + 1 })
        : null;
  const sampleLabel = sample ? `${sample.p.title} - ${sample.v.title}` : t("preview.emptyCart");
  const cartLabel =
    typedTotal === undefined
      ? sampleLabel
      : t("preview.cartWithTotal", { cart: sampleLabel, total: formatMoney(typedTotal, context.currency, intl) });
  const parents = choices.filter((c) => parentIds.includes(c.id)).map((c) => `“${c.name}”`);
  const note = parents.length ? t("preview.downsellNote", { offers: parents.join(t("preview.or")) }) : null;
  if (!shown) {
    const whyNot = at.excluded
      .filter((e) => e.offerId === PREVIEW_OFFER_ID)
      .map((e) => whyNotWords(e, offer, cart, t, intl));
    return {
      errors: {},
      card: null,
      whyNot: whyNot.length ? whyNot : [t("preview.notPicked")],
      armLabel,
      cartLabel,
      note,
    };
  }
  return {
    errors: {},
    card: {
      title: shown.copy.title,
      body: shown.copy.body ?? null,
      // What the checkout's button says without copy of its own: a swap upgrades the line.
      cta: shown.copy.cta ?? (shown.lines.some((l) => l.action === "swap") ? "Upgrade" : "Add"),
      decline: shown.copy.decline ?? "No thanks",
      currency: shown.price.currency,
      currencyDisplay: payload.settings.currencyDisplay ?? "symbol",
      original: shown.price.original,
      final: shown.price.final,
      savings: shown.price.savings,
      locale: shown.locale,
      design: shown.design ?? "card",
      image: shown.image ?? null,
      lines: shown.lines.map((l) => {
        const info = variantInfo.get(l.variantId);
        return { title: info ? `${info.p.title} - ${info.v.title}` : l.variantId, quantity: l.quantity };
      }),
    },
    whyNot: [],
    armLabel,
    cartLabel,
    note,
  };
}

/** Sample carts the preview offers: every catalog variant as a one-line cart. */
export async function sampleCarts(gateway: ShopGateway): Promise<Array<{ value: string; label: string }>> {
  const products = await gateway.searchProducts("", 50);
  return products.flatMap((p) =>
    p.variants.map((v) => ({ value: `${p.id}|${v.id}`, label: `${p.title} - ${v.title}` })),
  );
}
