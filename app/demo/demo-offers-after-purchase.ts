import { item, product, type DemoOffer } from "./demo-offer-items";

/** Demo offers shown once the order is paid: thank-you page, post-purchase page and follow-up email. */
export const AFTER_PURCHASE_OFFERS: DemoOffer[] = [
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
        body: "A braided spare cable, 15% off, added to the order you just paid.",
      },
      de: {
        title: "Noch etwas für dein Headset",
        body: "Ein geflochtenes Ersatzkabel, 15 % günstiger, zur eben bezahlten Bestellung.",
      },
      fr: {
        title: "Un dernier accessoire",
        body: "Un câble tressé de rechange, -15 %, ajouté à la commande payée.",
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
    design: "banner",
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
    design: "banner",
    items: [item("tool-case", "tool-case")],
    discount: { kind: "percent", percent: 25 },
    targeting: { products: [product("drill")] },
    // Declined, the page offers the shipping insurance in its place (a linked downsell, decision 027).
    downsell: "demo-pp-drill-insurance",
    copy: {
      en: {
        title: "Add the tool case to your order",
        body: "One click, no new payment details: 25% off the stackable case.",
      },
      de: {
        title: "Den Werkzeugkoffer dazulegen",
        body: "Ein Klick, keine neuen Zahlungsdaten: 25 % Rabatt auf den Koffer.",
      },
      fr: {
        title: "Ajoutez la mallette à votre commande",
        body: "Un clic, sans ressaisir le paiement : -25 % sur la mallette.",
      },
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
      en: {
        title: "Three sizing kits for the family",
        body: "Add them to the order you just paid, no new payment details.",
      },
      de: {
        title: "Drei Größen-Sets für die Familie",
        body: "Zur eben bezahlten Bestellung, ohne neue Zahlungsdaten.",
      },
      fr: {
        title: "Trois kits de tailles pour la famille",
        body: "Ajoutés à la commande payée, sans ressaisir le paiement.",
      },
    },
  },
  {
    id: "demo-pp-drill-insurance",
    name: "Shipping insurance after the drill (post-purchase downsell)",
    status: "active",
    type: "shipping_protection",
    moments: ["post_purchase"],
    priority: 10,
    design: "compact",
    items: [item("insurance", "insurance")],
    targeting: { products: [product("drill")] },
    copy: {
      en: {
        title: "Protect this delivery",
        body: "Shipping insurance for your drill, added to the order you just paid.",
      },
      de: {
        title: "Diese Lieferung absichern",
        body: "Versandversicherung für deinen Bohrer, zur eben bezahlten Bestellung.",
      },
      fr: {
        title: "Protégez cette livraison",
        body: "L'assurance livraison pour votre perceuse, ajoutée à la commande payée.",
      },
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
      en: {
        title: "Get more out of Planner Pro",
        body: "Book a guided onboarding call: 30% off for the next three days.",
      },
      de: {
        title: "Mehr aus Planner Pro holen",
        body: "Buche ein begleitetes Onboarding: 30 % Rabatt in den nächsten drei Tagen.",
      },
      fr: {
        title: "Tirez le meilleur de Planner Pro",
        body: "Réservez un accompagnement guidé : -30 % pendant trois jours.",
      },
    },
  },
];
