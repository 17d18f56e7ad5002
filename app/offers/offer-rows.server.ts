/**
 * Reading the shop's offers. Every query is scoped by `shopId`; an id from another shop is "not
 * found" (404), never someone else's row.
 */
import type { Prisma, PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "~/gateway/types";
import { offerFromRow } from "~/publish/publish.server";
import { offerToForm, type StoredVariant } from "./form";

export const notFound = () => new Response("Not found", { status: 404 });

export const offerInclude = {
  moments: true,
  variants: { orderBy: { createdAt: "asc" } },
  experiments: { orderBy: { createdAt: "desc" }, take: 1 },
} satisfies Prisma.OfferInclude;
export type OfferRow = Prisma.OfferGetPayload<{ include: typeof offerInclude }>;

/** The shop's offer or a thrown 404 (also when the id belongs to another shop). */
export async function requireOffer(prisma: PrismaClient, shopId: string, id: string): Promise<OfferRow> {
  const row = await prisma.offer.findFirst({ where: { id, shopId }, include: offerInclude });
  if (!row) throw notFound();
  return row;
}

export function storedVariants(row: OfferRow): StoredVariant[] {
  return row.variants.map((v) => {
    let overrides: StoredVariant["overrides"] = {};
    try {
      overrides = JSON.parse(v.overrides) as StoredVariant["overrides"];
    } catch {
      overrides = {};
    }
    return { id: v.id, name: v.name, weight: v.weight, overrides };
  });
}

/** Loads the form for an existing offer (item titles looked up in the catalog). */
export async function loadOfferForm(prisma: PrismaClient, shop: Shop, gateway: ShopGateway, id: string) {
  const row = await requireOffer(prisma, shop.id, id);
  const offer = offerFromRow(row);
  const currencies = [...gateway.currencies];
  if (!offer) return { row, form: null, currencies };
  const productIds = [...new Set([...offer.items.map((i) => i.productId), ...(offer.targeting?.products ?? [])])];
  const titles: Record<string, string> = {};
  try {
    for (const p of await gateway.getProducts(productIds)) {
      titles[p.id] = p.title;
      for (const v of p.variants) titles[v.id] = `${p.title} - ${v.title}`;
    }
  } catch {
    // Titles are cosmetic: the form still opens with ids when the catalog cannot be read.
  }
  const experiment = row.experiments[0];
  const form = offerToForm(offer, {
    name: row.name,
    currencies,
    titles,
    experiment:
      experiment && row.variants.length
        ? { holdoutBps: experiment.holdoutBps, variants: storedVariants(row) }
        : undefined,
  });
  return { row, form, currencies };
}

export const OFFER_STATUS_FILTERS = ["active", "paused", "draft", "archived"] as const;

export async function listOffers(prisma: PrismaClient, shopId: string, filter: { moment?: string; status?: string }) {
  return prisma.offer.findMany({
    where: {
      shopId,
      ...(filter.status ? { status: filter.status } : { status: { not: "archived" } }),
      ...(filter.moment ? { moments: { some: { moment: filter.moment } } } : {}),
    },
    include: { moments: true, experiments: { orderBy: { createdAt: "desc" }, take: 1 } },
    orderBy: [{ priority: "desc" }, { updatedAt: "desc" }],
  });
}
