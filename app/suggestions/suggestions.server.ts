/**
 * The suggestions page's server side (decision 029): the shop's latest run and its suggestions per
 * moment, titled from the shop's catalog, and "Create draft", which turns a suggestion into a
 * one-off playbook template (decision 022) and saves it through the templates' draft path
 * (`createDraftFromTemplate`: the catalog check of the picks, then the editor's `saveOfferForm`),
 * so the draft carries the same 10% hold-out experiment as a template's. Scoped by the shop.
 */
import type { PrismaClient, Shop } from "@prisma/client";
import { AUTOPILOT_MOMENTS, type AutopilotMoment } from "@moments/autopilot";
import type { CatalogProduct, ShopGateway } from "~/gateway/types";
import { SUMMARY_READ } from "~/gateway/product-reads";
import { englishT, type AdminT } from "~/i18n/catalogue";
import { toSafeNumber } from "~/lib/bigint";
import { InvalidInput } from "~/lib/errors";
import type { FieldErrors } from "~/offers/form";
import { createDraftFromTemplate } from "~/offers/templates.server";
import type { OfferTemplate } from "~/offers/templates";

export interface SuggestedProduct {
  id: string;
  title: string;
  imageUrl: string | null;
}

export interface SuggestionView {
  id: string;
  rank: number;
  source: string;
  trigger: SuggestedProduct;
  product: SuggestedProduct;
  coPurchases: number;
  lift: number | null;
  expectedTakeRate: number;
  incrementalTakeRate: number;
  expectedRevenuePer1000: number;
  currency: string;
}

export interface SuggestionsPage {
  run: {
    status: string;
    basis: string | null;
    since: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    ordersMined: number;
    lastError: string | null;
  } | null;
  moments: Array<{ moment: AutopilotMoment; suggestions: SuggestionView[] }>;
  /** Why the catalog could not title the suggestions, or null. */
  catalogError: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function suggestionsPage(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
): Promise<SuggestionsPage> {
  const where = { shopId: shop.id };
  const [run, rows] = await Promise.all([
    prisma.suggestionRun.findUnique({ where }),
    prisma.suggestion.findMany({ where, orderBy: [{ moment: "asc" }, { rank: "asc" }] }),
  ]);
  let products: CatalogProduct[] = [];
  let catalogError: string | null = null;
  const ids = [...new Set(rows.flatMap((r) => [r.triggerProductId, r.productId]))];
  try {
    products = await gateway.getProducts(ids, SUMMARY_READ);
  } catch (error) {
    catalogError = error instanceof Error ? error.message : "unknown error";
  }
  const byId = new Map(products.map((p) => [p.id, p]));
  const product = (id: string): SuggestedProduct => {
    const p = byId.get(id);
    return { id, title: p?.title ?? id, imageUrl: p?.imageUrl ?? null };
  };
  return {
    run: run && {
      status: run.status,
      basis: run.basis,
      since: iso(run.since),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      ordersMined: run.ordersMined,
      lastError: run.lastError,
    },
    moments: AUTOPILOT_MOMENTS.map((moment) => ({
      moment,
      suggestions: rows
        .filter((r) => r.moment === moment)
        // A product deleted since the run is no longer suggested.
        .filter((r) => catalogError !== null || (byId.has(r.productId) && byId.has(r.triggerProductId)))
        .map((r) => ({
          id: r.id,
          rank: r.rank,
          source: r.source,
          trigger: product(r.triggerProductId),
          product: product(r.productId),
          coPurchases: r.coPurchases,
          lift: r.lift,
          expectedTakeRate: r.expectedTakeRate,
          incrementalTakeRate: r.incrementalTakeRate,
          expectedRevenuePer1000: toSafeNumber(r.expectedRevenuePer1000, "expectedRevenuePer1000"),
          currency: r.currency,
        })),
    })),
    catalogError,
  };
}

/** English copy of a suggested offer, by moment: benefit-led, the decline visible, no price (decision 022). */
const COPY: Record<AutopilotMoment, { body: string; cta: string; decline: string }> = {
  cart: {
    body: "Often bought together: add it now and it ships with your order.",
    cta: "Add to cart",
    decline: "No thanks",
  },
  checkout: {
    body: "Often bought together: add it before you pay, same delivery.",
    cta: "Add to order",
    decline: "No thanks",
  },
  post_purchase: {
    body: "Often bought together: add it to the order you just placed in one click, no new checkout.",
    cta: "Add to my order",
    decline: "No thanks, I'm done",
  },
  thank_you: {
    body: "Often bought together: add it to this order, same delivery.",
    cta: "Add to order",
    decline: "No thanks",
  },
  email: { body: "Shoppers who bought what you chose often add this.", cta: "Shop now", decline: "Not now" },
};

/** The suggestion as a playbook template made on the fly: the trigger shows it, the product is offered. */
export function suggestionTemplate(moment: AutopilotMoment, triggerTitle: string): OfferTemplate {
  const copy = COPY[moment];
  return {
    id: "suggestion",
    name: "Suggested from your orders",
    moment,
    type: "product",
    summary: "",
    guide: "",
    rule: "",
    slots: [
      { role: "trigger", label: "Bought with", hints: [] },
      { role: "offer", label: "Offered product", hints: [] },
    ],
    copy: {
      title: `Pairs well with your ${triggerTitle}`.slice(0, 120),
      body: copy.body,
      cta: copy.cta,
      decline: copy.decline,
    },
    discountPercent: null,
    targeting: {},
    holdoutPct: 10,
    priority: 50,
  };
}

export type SuggestionDraftResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/** "Create draft": the suggestion (this shop's, else InvalidInput) saved as a draft offer with its hold-out. */
export async function createSuggestionDraft(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  suggestionId: string,
  t: AdminT = englishT,
): Promise<SuggestionDraftResult> {
  const s = await prisma.suggestion.findFirst({ where: { id: suggestionId, shopId: shop.id } });
  if (!s) throw new InvalidInput("Unknown suggestion: it is not this shop's, or a newer run replaced it.");
  const products = await gateway.getProducts([s.triggerProductId, s.productId]);
  const trigger = products.find((p) => p.id === s.triggerProductId);
  const offered = products.find((p) => p.id === s.productId);
  if (!trigger || !offered) return { ok: false, errors: { slots: t("suggestions.productGone") } };
  const variant = offered.variants.find((v) => v.inventory === null || v.inventory > 0) ?? offered.variants[0];
  if (!variant) return { ok: false, errors: { slots: t("suggestions.productGone") } };
  const moment = s.moment as AutopilotMoment;
  return createDraftFromTemplate(prisma, shop, gateway, {
    template: suggestionTemplate(moment, trigger.title),
    picks: [
      { productId: trigger.id, variantId: trigger.variants[0]?.id ?? "", title: trigger.title },
      { productId: offered.id, variantId: variant.id, title: `${offered.title} - ${variant.title}` },
    ],
    t,
    name: t("suggestions.draftName", { product: offered.title, trigger: trigger.title }),
  });
}
