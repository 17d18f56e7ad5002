import { product, type DemoOffer } from "./demo-offer-items";

/**
 * The demo's dynamic offer (decision 034): no product of its own; at the thank-you page of an order
 * with the laptop, the laptop's best complement from the demo's order history (the headset, planted
 * in `order-history.ts`), 10% off. Kept out of `DEMO_OFFERS` (the traffic simulation's planted
 * truths are about those): seeded beside them, and it shows once the history is mined (the
 * suggestions schedule republishes a shop with a live dynamic offer after each run).
 */
export const DEMO_DYNAMIC_OFFER: DemoOffer = {
  id: "demo-laptop-dynamic",
  name: "Best complement for laptop buyers (dynamic)",
  status: "active",
  type: "dynamic",
  moments: ["thank_you"],
  priority: 25,
  items: [],
  discount: { kind: "percent", percent: 10 },
  targeting: { products: [product("laptop")] },
  copy: {
    en: {
      title: "Laptop buyers often add this",
      body: "Chosen from what our buyers bought with it: 10% off, added to the order you just paid.",
    },
    de: {
      title: "Oft mit dem Laptop gekauft",
      body: "Ausgewählt danach, was andere dazu gekauft haben: 10 % günstiger, zur eben bezahlten Bestellung.",
    },
    fr: {
      title: "Souvent acheté avec ce portable",
      body: "Choisi d'après les achats de nos clients : -10 %, ajouté à la commande payée.",
    },
  },
};
