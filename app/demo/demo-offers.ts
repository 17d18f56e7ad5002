import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import type { Offer } from "@moments/engine";
import { writeOffer } from "~/offers/offers.server";
import { withProductImage, type DemoOffer } from "./demo-offer-items";
import { AFTER_PURCHASE_OFFERS } from "./demo-offers-after-purchase";
import { CHECKOUT_OFFERS } from "./demo-offers-checkout";
import { DEMO_DYNAMIC_OFFER } from "./demo-offer-dynamic";

/**
 * A handful of realistic offers for the demo shop, one per offer type and checkout moment, so a
 * newcomer's buyer journey shows the product working before they create an offer themselves.
 */
export const DEMO_OFFERS: DemoOffer[] = [...CHECKOUT_OFFERS, ...AFTER_PURCHASE_OFFERS].map(withProductImage);

/** Every offer a new demo shop gets: the demo offers and the dynamic one (decision 034). */
export const DEMO_SEEDED_OFFERS: DemoOffer[] = [...DEMO_OFFERS, DEMO_DYNAMIC_OFFER];

/** The demo's moment limits (Settings): the checkout step shows two offers, one per placement. */
export const DEMO_MOMENT_LIMITS: Partial<Record<Offer["moments"][number], number>> = { checkout: 2 };

/**
 * Inserts the demo offers (through the offers write path, so experiment rows and moments match)
 * when the demo shop has no offer yet; returns how many were inserted. The caller publishes
 * afterwards (publishShop) so the payload holds them. Ids get a per-shop suffix: offer and arm
 * ids are primary keys across the database. The suffix comes from the shop's domain, not its
 * generated row id, so the hold-out and variant assignment (hashed on the experiment id) is the
 * same on every fresh demo: `SEED=7 npm run demo:traffic` produces the same dashboard each time.
 */
export async function ensureDemoOffers(prisma: PrismaClient, shopId: string): Promise<number> {
  if ((await prisma.offer.count({ where: { shopId } })) > 0) return 0;
  // Two competing experiments share the checkout step (two placements): its limit is 2.
  for (const [moment, maxOffers] of Object.entries(DEMO_MOMENT_LIMITS)) {
    await prisma.momentSetting.upsert({
      where: { shopId_moment: { shopId, moment } },
      create: { shopId, moment, enabled: true, maxOffers },
      update: {},
    });
  }
  const { domain } = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const suffix = createHash("sha256").update(domain).digest("hex").slice(0, 8);
  for (const { name, ...offer } of DEMO_OFFERS) {
    const id = `${offer.id}-${suffix}`;
    const exp = offer.experiment;
    await writeOffer(prisma, shopId, {
      id,
      isNew: true,
      name,
      // A linked downsell names the other demo offer by its id in this shop (same suffix).
      offer: { ...offer, id, ...(offer.downsell ? { downsell: `${offer.downsell}-${suffix}` } : {}) },
      experiment: exp
        ? {
            id: `${exp.id}-${suffix}`,
            status: "running",
            holdoutBps: exp.holdoutBps,
            startedAt: new Date(),
            variants: exp.variants.map((v) => ({
              id: `${v.id}-${suffix}`,
              name: v.discount?.kind === "percent" ? `${v.discount.percent}% off` : "Full price",
              weight: v.weight,
              overrides: {
                ...(v.discount?.kind === "percent" ? { discountPercent: v.discount.percent } : {}),
                ...(v.design ? { design: v.design } : {}),
              },
            })),
          }
        : null,
    });
  }
  // The dynamic offer (decision 034), no experiment: its product comes from the mined history.
  const { name, ...dynamic } = DEMO_DYNAMIC_OFFER;
  const id = `${dynamic.id}-${suffix}`;
  await writeOffer(prisma, shopId, { id, isNew: true, name, offer: { ...dynamic, id }, experiment: null });
  return DEMO_SEEDED_OFFERS.length;
}
