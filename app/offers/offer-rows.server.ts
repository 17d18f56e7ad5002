/**
 * Reading the shop's offers. Every query is scoped by `shopId`; an id from another shop is "not
 * found" (404), never someone else's row.
 */
import type { Prisma, PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "~/gateway/types";
import { TITLES_READ } from "~/gateway/product-reads";
import { offerFromRow } from "~/publish/publish.server";
import { dropLegacyDesigns, legacyDesignNotice, readDesign } from "./designs";
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

/** The arms' stored overrides; a design that is not a layout (free text from before) is left out. */
export function storedVariants(row: OfferRow): StoredVariant[] {
  return storedArms(row).variants;
}

/** The arms and the designs of theirs read as the default layout (`readDesign`). */
function storedArms(row: OfferRow): { variants: StoredVariant[]; legacy: string[] } {
  const legacy: string[] = [];
  const variants = row.variants.map((v) => {
    let overrides: StoredVariant["overrides"] & { design?: unknown } = {};
    try {
      overrides = JSON.parse(v.overrides) as typeof overrides;
    } catch {
      overrides = {};
    }
    const { design: stored, ...rest } = overrides;
    const { design, legacy: old } = readDesign(stored);
    if (old !== undefined) legacy.push(old);
    return { id: v.id, name: v.name, weight: v.weight, overrides: design ? { ...rest, design } : rest };
  });
  return { variants, legacy };
}

/** Designs of the offer and its arms that are stored as free text, not as a layout (the editor says so). */
export function legacyDesigns(row: OfferRow): string[] {
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch {
    return [];
  }
  const found = typeof json === "object" && json !== null ? dropLegacyDesigns(json as Record<string, unknown>) : [];
  return [...new Set([...found, ...storedArms(row).legacy])];
}

/** Loads the form for an existing offer (item titles looked up in the catalog). */
export async function loadOfferForm(prisma: PrismaClient, shop: Shop, gateway: ShopGateway, id: string) {
  const row = await requireOffer(prisma, shop.id, id);
  const offer = offerFromRow(row);
  const currencies = [...gateway.currencies];
  if (!offer) return { row, form: null, currencies, designNotice: null, legacyDesigns: [] as string[] };
  const productIds = [...new Set([...offer.items.map((i) => i.productId), ...(offer.targeting?.products ?? [])])];
  const titles: Record<string, string> = {};
  try {
    for (const p of await gateway.getProducts(productIds, TITLES_READ)) {
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
        ? { holdoutBps: experiment.holdoutBps, variants: storedVariants(row), allocation: experiment.allocation }
        : undefined,
  });
  if (form) form.freeGift = row.freeGift;
  const legacy = legacyDesigns(row);
  // `legacyDesigns`: for the page to say it in the merchant's language (`legacyDesignNotice(legacy, t)`).
  return { row, form, currencies, designNotice: legacyDesignNotice(legacy), legacyDesigns: legacy };
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
