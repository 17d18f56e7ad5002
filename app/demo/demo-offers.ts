import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import type { Offer } from "@moments/engine";
import { writeOffer } from "~/offers/offers.server";
import { DEMO_CATALOG, demoProductGid, demoVariantGid } from "./catalog";

/**
 * A handful of realistic offers for the demo shop, one per offer type and checkout moment, so a
 * newcomer's buyer journey shows the product working before they create an offer themselves.
 * GIDs come from the demo catalog, prices from its EUR/USD list prices.
 */
const P = (key: string) => {
  const i = DEMO_CATALOG.findIndex((p) => p.key === key);
  if (i < 0) throw new Error(`demo catalog has no product ${key}`);
  return i;
};
const product = (key: string) => demoProductGid(P(key));
function item(productKey: string, variantKey: string, quantity = 1) {
  const pi = P(productKey);
  const vi = DEMO_CATALOG[pi]!.variants.findIndex((v) => v.key === variantKey);
  const v = DEMO_CATALOG[pi]!.variants[vi]!;
  const it: Offer["items"][number] = {
    productId: demoProductGid(pi),
    variantId: demoVariantGid(pi, vi),
    quantity,
    prices: { EUR: v.eur, USD: v.usd },
  };
  // Mirrors the seed: a selling plan per subscription product (app/demo/seed.server.ts).
  if (v.sellingPlan) it.sellingPlanId = `gid://shopify/SellingPlan/${7700000000 + pi}`;
  return it;
}

export const DEMO_OFFERS: Array<Offer & { name: string }> = [
  {
    id: "demo-drill-case",
    name: "Tool case with the drill",
    status: "active",
    type: "product",
    moments: ["checkout"],
    priority: 50,
    items: [item("tool-case", "tool-case")],
    discount: { kind: "percent", percent: 20 },
    targeting: { products: [product("drill")] },
    experiment: {
      id: "demo-drill-case-price",
      holdoutBps: 5000,
      variants: [{ id: "case20", weight: 1 }],
    },
    copy: {
      en: {
        title: "Keep it all together",
        body: "The stackable case fits the drill and both batteries. 20% off with your drill.",
      },
      de: {
        title: "Alles an einem Platz",
        body: "Der stapelbare Koffer fasst Bohrer und beide Akkus. 20 % günstiger mit deinem Bohrer.",
      },
      fr: {
        title: "Tout au même endroit",
        body: "La mallette empilable accueille la perceuse et ses deux batteries. -20 % avec votre perceuse.",
      },
    },
  },
  {
    id: "demo-headset-bundle",
    name: "Spare cable + insurance bundle",
    status: "active",
    type: "bundle",
    moments: ["checkout"],
    priority: 40,
    items: [item("cable", "cable"), item("insurance", "insurance")],
    discount: { kind: "bundle_price", prices: { EUR: 2490, USD: 2690 } },
    targeting: { products: [product("headset")] },
    copy: {
      en: {
        title: "Travel-ready bundle",
        body: "A spare braided cable and shipping insurance for the price of the cable.",
      },
      de: { title: "Reise-Bundle", body: "Ein Ersatzkabel und Versandversicherung zum Preis des Kabels." },
      fr: { title: "Pack voyage", body: "Un câble de rechange et l'assurance livraison au prix du câble." },
    },
  },
  {
    id: "demo-parka-upgrade",
    name: "Parka: upgrade to Gore-Tex",
    status: "active",
    type: "variant_upgrade",
    moments: ["information"],
    priority: 60,
    items: [item("parka", "parka-premium-m")],
    discount: { kind: "percent", percent: 10 },
    targeting: { products: [product("parka")] },
    copy: {
      en: {
        title: "Upgrade to Premium Gore-Tex",
        body: "Fully waterproof shell, 10% off the upgrade today.",
        cta: "Upgrade my parka",
      },
      de: {
        title: "Upgrade auf Premium Gore-Tex",
        body: "Vollständig wasserdicht, heute 10 % günstiger.",
        cta: "Parka upgraden",
      },
      fr: {
        title: "Passez au Gore-Tex Premium",
        body: "Coque entièrement imperméable, -10 % aujourd'hui.",
        cta: "Améliorer ma parka",
      },
    },
  },
  {
    id: "demo-parka-sizing-mobile",
    name: "Sizing kit (mobile micro-offer)",
    status: "active",
    type: "discount",
    moments: ["checkout"],
    priority: 70,
    items: [item("sizing-kit", "sizing-kit")],
    discount: { kind: "percent", percent: 50 },
    targeting: { products: [product("parka")], devices: ["mobile"] },
    copy: {
      en: { title: "Not sure about the size?", body: "Try the sizing kit at home: half price on mobile today." },
      de: { title: "Unsicher bei der Größe?", body: "Probier das Größen-Set zu Hause: heute mobil zum halben Preis." },
      fr: {
        title: "Un doute sur la taille ?",
        body: "Essayez le kit de tailles chez vous : moitié prix sur mobile aujourd'hui.",
      },
    },
  },
  {
    id: "demo-print-insurance",
    name: "Shipping insurance for art prints",
    status: "active",
    type: "shipping_protection",
    moments: ["shipping"],
    priority: 50,
    items: [item("insurance", "insurance")],
    targeting: { products: [product("print")] },
    copy: {
      en: {
        title: "Insure your framed print",
        body: "Glass breaks. Damaged or lost parcels are replaced, no questions asked.",
      },
      de: {
        title: "Versichere deinen Kunstdruck",
        body: "Glas bricht. Beschädigte oder verlorene Pakete werden ersetzt.",
      },
      fr: {
        title: "Assurez votre tirage encadré",
        body: "Le verre se casse. Colis abîmé ou perdu : remplacé sans discussion.",
      },
    },
  },
  {
    id: "demo-laptop-care",
    name: "Care+ for the laptop",
    status: "active",
    type: "warranty",
    moments: ["payment"],
    priority: 80,
    items: [item("laptop-warranty", "laptop-warranty")],
    pricing: { percent: 10, of: "line" },
    targeting: { products: [product("laptop")] },
    experiment: {
      id: "demo-laptop-care-price",
      holdoutBps: 3400,
      variants: [
        { id: "full", weight: 1 },
        { id: "minus15", weight: 1, discount: { kind: "percent", percent: 15 } },
      ],
    },
    copy: {
      en: {
        title: "Protect your laptop for 3 years",
        body: "Accidental damage and battery cover, priced at 10% of your laptop.",
      },
      de: {
        title: "3 Jahre Schutz für deinen Laptop",
        body: "Unfallschäden und Akku abgedeckt, für 10 % des Laptoppreises.",
      },
      fr: {
        title: "Protégez votre ordinateur 3 ans",
        body: "Dommages accidentels et batterie couverts, pour 10 % du prix.",
      },
    },
  },
  {
    id: "demo-saas-pro",
    name: "Planner Basic -> Pro plan",
    status: "active",
    type: "subscription_upgrade",
    moments: ["payment"],
    priority: 40,
    items: [item("saas", "saas-pro")],
    discount: { kind: "percent", percent: 20 },
    targeting: { products: [product("saas")] },
    copy: {
      en: { title: "Go Pro for 20% less", body: "Unlimited projects and team sharing on the monthly plan." },
      de: { title: "Pro für 20 % weniger", body: "Unbegrenzte Projekte und Team-Freigabe im Monatsplan." },
      fr: {
        title: "Passez à Pro pour 20 % de moins",
        body: "Projets illimités et partage en équipe, formule mensuelle.",
      },
    },
  },
  {
    id: "demo-drill-insurance",
    name: "Shipping insurance with the drill (second checkout slot)",
    status: "active",
    type: "shipping_protection",
    moments: ["checkout"],
    priority: 45,
    items: [item("insurance", "insurance")],
    targeting: { products: [product("drill")] },
    experiment: {
      id: "demo-drill-insurance-test",
      holdoutBps: 5000,
      variants: [{ id: "insurance", weight: 1 }],
    },
    copy: {
      en: { title: "Insure this delivery", body: "Lost or damaged parcels replaced, no questions asked." },
      de: { title: "Diese Lieferung versichern", body: "Verlorene oder beschädigte Pakete werden ersetzt." },
      fr: { title: "Assurez cette livraison", body: "Colis perdu ou abîmé : remplacé sans discussion." },
    },
  },
  {
    id: "demo-cart-headset-cable",
    name: "Spare cable in the cart (headset)",
    status: "active",
    type: "product",
    moments: ["cart"],
    priority: 50,
    items: [item("cable", "cable")],
    targeting: { products: [product("headset")] },
    experiment: {
      id: "demo-cart-headset-cable-test",
      holdoutBps: 3400,
      variants: [
        { id: "cablefull", weight: 1 },
        { id: "cable20", weight: 1, discount: { kind: "percent", percent: 20 } },
      ],
    },
    copy: {
      en: { title: "A spare cable for the road", body: "The braided 1.5 m cable, added to your cart in one tap." },
      de: { title: "Ein Ersatzkabel für unterwegs", body: "Das geflochtene 1,5-m-Kabel, mit einem Tipp im Warenkorb." },
      fr: { title: "Un câble de rechange", body: "Le câble tressé de 1,5 m, ajouté au panier en un geste." },
    },
  },
  {
    id: "demo-exit-print-case",
    name: "Storage case before leaving (art print, exit intent)",
    status: "active",
    type: "product",
    moments: ["exit_intent"],
    priority: 50,
    items: [item("tool-case", "tool-case")],
    discount: { kind: "percent", percent: 10 },
    targeting: { products: [product("print")] },
    experiment: {
      id: "demo-exit-print-case-test",
      holdoutBps: 5000,
      variants: [{ id: "exitcase", weight: 1 }],
    },
    copy: {
      en: { title: "Before you go: keep your frames safe", body: "The stackable case, 10% off if you check out now." },
      de: { title: "Bevor du gehst: Rahmen sicher lagern", body: "Der stapelbare Koffer, 10 % günstiger beim Kauf jetzt." },
      fr: { title: "Avant de partir : rangez vos cadres", body: "La mallette empilable, -10 % si vous commandez maintenant." },
    },
  },
  {
    id: "demo-headset-cable-ty",
    name: "Cable for headset buyers (thank-you)",
    status: "active",
    type: "product",
    moments: ["thank_you"],
    priority: 30,
    items: [item("cable", "cable")],
    discount: { kind: "percent", percent: 15 },
    targeting: { products: [product("headset")] },
    copy: {
      en: {
        title: "One more thing for your headset",
        body: "A braided spare cable, 15% off in a new one-tap checkout.",
      },
      de: {
        title: "Noch etwas für dein Headset",
        body: "Ein geflochtenes Ersatzkabel, 15 % günstiger in einem neuen Checkout.",
      },
      fr: {
        title: "Un dernier accessoire",
        body: "Un câble tressé de rechange, -15 % dans un nouveau paiement express.",
      },
    },
  },
  {
    id: "demo-saas-onboarding-ty",
    name: "Onboarding session (thank-you)",
    status: "active",
    type: "service_addon",
    moments: ["thank_you"],
    priority: 20,
    items: [item("onboarding", "onboarding")],
    discount: { kind: "fixed", amounts: { EUR: 2000, USD: 2000 } },
    targeting: { products: [product("saas")] },
    experiment: {
      id: "demo-saas-onboarding-ty-test",
      holdoutBps: 5000,
      variants: [{ id: "onboarding20", weight: 1 }],
    },
    copy: {
      en: { title: "Get set up in an hour", body: "A guided onboarding call with our team, 20 off today." },
      de: {
        title: "In einer Stunde startklar",
        body: "Ein begleitetes Onboarding mit unserem Team, heute 20 günstiger.",
      },
      fr: { title: "Prêt en une heure", body: "Un appel d'accompagnement avec notre équipe, 20 de moins aujourd'hui." },
    },
  },
  {
    id: "demo-pp-drill-case",
    name: "Tool case after the drill (post-purchase)",
    status: "active",
    type: "product",
    moments: ["post_purchase"],
    priority: 30,
    items: [item("tool-case", "tool-case")],
    discount: { kind: "percent", percent: 25 },
    targeting: { products: [product("drill")] },
    copy: {
      en: { title: "Add the tool case to your order", body: "One click, no new payment details: 25% off the stackable case." },
      de: { title: "Den Werkzeugkoffer dazulegen", body: "Ein Klick, keine neuen Zahlungsdaten: 25 % Rabatt auf den Koffer." },
      fr: { title: "Ajoutez la mallette à votre commande", body: "Un clic, sans ressaisir le paiement : -25 % sur la mallette." },
    },
  },
  {
    id: "demo-pp-parka-kit",
    name: "Sizing kit after the parka (post-purchase)",
    status: "active",
    type: "product",
    moments: ["post_purchase"],
    priority: 40,
    items: [item("sizing-kit", "sizing-kit", 3)],
    targeting: { products: [product("parka")] },
    experiment: {
      id: "demo-pp-parka-kit-test",
      holdoutBps: 5000,
      variants: [{ id: "ppkit", weight: 1 }],
    },
    copy: {
      en: { title: "Three sizing kits for the family", body: "Add them to the order you just paid, no new payment details." },
      de: { title: "Drei Größen-Sets für die Familie", body: "Zur eben bezahlten Bestellung, ohne neue Zahlungsdaten." },
      fr: { title: "Trois kits de tailles pour la famille", body: "Ajoutés à la commande payée, sans ressaisir le paiement." },
    },
  },
  {
    id: "demo-pp-drill-insurance",
    name: "Shipping insurance after the drill (post-purchase downsell)",
    status: "active",
    type: "shipping_protection",
    moments: ["post_purchase"],
    priority: 10,
    items: [item("insurance", "insurance")],
    targeting: { products: [product("drill")] },
    copy: {
      en: { title: "Protect this delivery", body: "Shipping insurance for your drill, added to the order you just paid." },
      de: { title: "Diese Lieferung absichern", body: "Versandversicherung für deinen Bohrer, zur eben bezahlten Bestellung." },
      fr: { title: "Protégez cette livraison", body: "L'assurance livraison pour votre perceuse, ajoutée à la commande payée." },
    },
  },
  {
    id: "demo-email-onboarding",
    name: "Onboarding session (follow-up email)",
    status: "active",
    type: "service_addon",
    moments: ["email"],
    priority: 20,
    items: [item("onboarding", "onboarding")],
    discount: { kind: "percent", percent: 30 },
    targeting: { products: [product("saas")] },
    experiment: {
      id: "demo-email-onboarding-test",
      holdoutBps: 5000,
      variants: [{ id: "onboarding30", weight: 1 }],
    },
    copy: {
      en: { title: "Get more out of Planner Pro", body: "Book a guided onboarding call: 30% off for the next three days." },
      de: { title: "Mehr aus Planner Pro holen", body: "Buche ein begleitetes Onboarding: 30 % Rabatt in den nächsten drei Tagen." },
      fr: { title: "Tirez le meilleur de Planner Pro", body: "Réservez un accompagnement guidé : -30 % pendant trois jours." },
    },
  },
];

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
      offer: { ...offer, id },
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
              overrides: v.discount?.kind === "percent" ? { discountPercent: v.discount.percent } : {},
            })),
          }
        : null,
    });
  }
  return DEMO_OFFERS.length;
}
