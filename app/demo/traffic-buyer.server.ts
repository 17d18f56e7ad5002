/**
 * The traffic generator's buyer model: who a simulated buyer is (main product, cart, device,
 * country, exit intent, when), and how they walk the surfaces in order: storefront, checkout
 * placements, post-purchase, the order, thank-you, and later the follow-up email. Buyers decide
 * nothing themselves beyond the planted take rates (the ledger's `takes`); every arm and exposure
 * comes from the surfaces' own code or the server's answers.
 */
import { randomUUID } from "node:crypto";
import { ATTR, type CartLine, type MomentId, type ShownOffer } from "@moments/engine";
import {
  checkoutReachedEvent,
  decideView,
  exposureEvents,
  guardsBeforeCheckout,
  type Snapshot,
  type View,
} from "@moments/surfaces/checkout";
import type { CartTuple, WireResponse } from "../../packages/storefront/src/wire";
import type { Ledger } from "./traffic-ledger";
import { baseArmId, buyerRandom, CHECKOUT_MOMENTS, type TrafficOptions, type TrafficTruth } from "./traffic-model";
import { CATALOG, EXTRAS, GROUPS, type CatalogVariant } from "./traffic-catalog";
import { followEmailLinks, type EmailOrder } from "./traffic-follow-up.server";
import { BROWSER_UA, CURRENCY, numericTail, type OrderLine, type Shopify } from "./traffic-shopify.server";

const DAY = 86400_000;
const PLACEMENTS = [1, 2];
const COUNTRIES = ["DE", "FR", "NL"] as const;

export interface BuyerContext {
  options: TrafficOptions;
  truth: TrafficTruth;
  ledger: Ledger;
  shopify: Shopify;
  problem: (p: string) => void;
}

export function createBuyers({ options, truth, ledger, shopify, problem }: BuyerContext) {
  const payload = options.payload;
  const { notePrice, seenArm, takes, exposed } = ledger;
  const {
    postCheckoutEvents,
    proxyUrl,
    storefrontTracker,
    postPurchaseInput,
    signPostPurchase,
    postPurchase,
    placeOrder,
  } = shopify;

  const offerLines = (o: ShownOffer): OrderLine[] =>
    o.lines.map((l) => ({
      variant: CATALOG.find((v) => v.variantId === l.variantId) ?? {
        productId: l.productId,
        variantId: l.variantId,
        title: o.copy.title,
      },
      quantity: l.quantity,
      list: l.listTotal,
      final: l.finalTotal,
      properties: { ...l.attributes },
    }));

  const emailOrders: EmailOrder[] = [];

  async function walk(i: number) {
    const journeyKey = `sim-${options.seed}-${i}`;
    const checkoutToken = `ct${options.seed}x${i}`;
    // The buyer's own stream: buyers walk concurrently, so draws from one shared stream would
    // depend on which request answered first, and the same seed would give other buyers.
    const random = buyerRandom(options.seed, i);
    const r = () => random();
    const groupDraw = r();
    let acc = 0;
    const total = GROUPS.reduce((s, g) => s + truth.groups[g], 0);
    const group = GROUPS.find((g) => (acc += truth.groups[g] / total) > groupDraw) ?? "saas";
    const mains = CATALOG.filter(
      (v) =>
        v.key === group &&
        !(group === "parka" && v.variantId.endsWith("3")) &&
        !(group === "saas" && v.title.endsWith("Pro")),
    );
    const main = mains[Math.floor(r() * mains.length)]!;
    const cart: CatalogVariant[] = [main];
    if (r() < truth.extraItem) cart.push(EXTRAS[Math.floor(r() * EXTRAS.length)]!);
    const device = r() < 0.6 ? "mobile" : "desktop";
    const country = COUNTRIES[Math.floor(r() * COUNTRIES.length)]!;
    const returning = r() < 0.3;
    const exitIntent = r() < truth.exitIntent;
    const at = options.now - Math.floor(r() * options.days * DAY) - 3600_000;
    let seconds = 0;
    const stamp = () => at + 1000 * seconds++;
    const lines: OrderLine[] = cart.map((v) => ({
      variant: v,
      quantity: 1,
      list: v.price,
      final: v.price,
      properties: {},
    }));

    // Storefront: the app proxy decides, the storefront's own tracker reports.
    const seen: string[] = [];
    const declined: string[] = [];
    const { tracker, beacon } = storefrontTracker({ journeyKey, device, currency: CURRENCY });
    for (const moment of exitIntent ? (["cart", "exit_intent"] as const) : (["cart"] as const)) {
      const tuples: CartTuple[] = lines.map((l) => [
        numericTail(l.variant.productId),
        numericTail(l.variant.variantId),
        l.quantity,
        Math.round(l.final / l.quantity),
        "",
        l.properties[ATTR.offer] ?? "",
      ]);
      const res = await fetch(
        proxyUrl("/proxy/offers", [
          ["moment", moment],
          ["jk", journeyKey],
          ["cur", CURRENCY],
          ["loc", "en"],
          ["dev", device],
          ["country", country],
          ["ret", returning ? "1" : "0"],
          ["c", JSON.stringify(tuples)],
          ["seen", seen.join(",")],
          ["dec", declined.join(",")],
        ]),
        { headers: { Accept: "application/json", "User-Agent": BROWSER_UA } },
      );
      if (res.status !== 200) {
        problem(`/proxy/offers ${moment}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        continue;
      }
      // The proxy logged the moment's exposures where it decided; a held-out place is simply absent.
      const w = (await res.json()) as WireResponse;
      for (const o of w.offers) {
        seen.push(`${o.id}@${moment}`);
        if (o.exp && o.arm) seenArm(o.exp, o.arm, o.value, main.variantId);
        const ev = {
          moment,
          offerId: o.id,
          experimentId: o.exp,
          armId: o.arm,
          arm: o.arm ? ("variant" as const) : ("none" as const),
        };
        tracker.track({ type: "impression", ...ev, occurredAt: stamp() });
        if (takes(o.exp, o.arm, random)) {
          tracker.track({ type: "click", ...ev, occurredAt: stamp() });
          tracker.track({ type: "accept", ...ev, valueMinor: o.value, currency: o.cur, occurredAt: stamp() });
          const share = o.lines.length ? o.value / o.lines.length : 0;
          for (const l of o.lines) {
            const v = CATALOG.find((c) => numericTail(c.variantId) === l.id);
            if (v)
              lines.push({
                variant: v,
                quantity: l.q,
                list: v.price * l.q,
                final: Math.round(share),
                properties: { ...l.p },
              });
          }
        } else {
          declined.push(o.id);
          tracker.track({ type: "decline", ...ev, occurredAt: stamp() });
        }
      }
    }
    tracker.flush();
    await Promise.all(beacon);

    // Checkout: the extension's core, one view per placement, as OfferBlock renders them.
    const journey: { shown: Array<{ offerId: string; moment: MomentId }>; accepted: string[]; declined: string[] } = {
      shown: [],
      accepted: [],
      declined: [],
    };
    const checkoutEvents: Array<Record<string, unknown>> = [];
    /** The planted completion drop of the treated arms this buyer's checkout exposures put them in. */
    let harm = 0;
    const common = { journeyKey, device, country, currency: CURRENCY, returning };
    const log = (
      type: "impression" | "click" | "accept" | "decline",
      moment: MomentId,
      surface: "checkout" | "thank_you",
      o: { offerId: string; armId?: string; experimentId?: string },
      extra: { valueMinor?: number } = {},
    ) =>
      checkoutEvents.push({
        ...common,
        offerId: o.offerId,
        arm: o.armId ? "variant" : "none",
        armId: o.armId,
        experimentId: o.experimentId,
        id: randomUUID(),
        type,
        moment,
        surface,
        occurredAt: stamp(),
        ...extra,
      });
    const snapshot = (): Snapshot => {
      const cl: CartLine[] = lines.map((l) => ({
        productId: l.variant.productId,
        variantId: l.variant.variantId,
        quantity: l.quantity,
        unitPrice: Math.round(l.final / l.quantity),
        attributes: l.properties,
      }));
      return {
        lines: cl,
        lineIds: cl.map((_, j) => `gid://shopify/CartLine/${j}`),
        currency: CURRENCY,
        subtotal: cl.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
        country,
        locale: "en",
        device,
        returning,
      };
    };
    const render = (
      moment: MomentId,
      surface: "checkout" | "thank_you",
      purchased?: string[],
    ): Array<{ view: View; slot: number }> => {
      const snap = snapshot();
      const views = PLACEMENTS.map((slot) => ({
        slot,
        view: decideView({
          payload,
          snapshot: snap,
          moment,
          journeyKey,
          journey,
          now: at + 1000 * seconds,
          slot,
          purchased,
        }),
      }));
      for (const { view } of views) {
        // Every placement reports the moment's exposures; their ids make the copies one.
        for (const e of exposureEvents(view.exposures, journeyKey, surface, snap))
          checkoutEvents.push({ ...e, occurredAt: stamp() });
        if (view.kind === "none") continue;
        const offerId = view.kind === "offer" ? view.offer.offerId : view.offerId;
        journey.shown.push({ offerId, moment });
        // A held-out place shows nothing: its exposure is all it reports.
        if (view.kind !== "offer") continue;
        log("impression", moment, surface, view.offer);
      }
      const first = views[0]!.view.exposures;
      for (const x of first) if (seenArm(x.experimentId, x.arm, 0, main.variantId)) exposed(x.experimentId, journeyKey);
      // A planted harmful offer (truth.completionDrop): its treated buyers abandon more often.
      for (const x of first)
        if (x.arm !== "holdout" && surface === "checkout")
          harm = Math.max(harm, truth.completionDrop?.[baseArmId(x.experimentId)] ?? 0);
      return views;
    };
    // The checkout block reports that the journey reached the checkout when the payload has offers
    // tested before it (decision 035): the completion guardrail of cart and exit-intent offers.
    if (guardsBeforeCheckout(payload))
      checkoutEvents.push({ ...checkoutReachedEvent(journeyKey, CHECKOUT_MOMENTS[0]!), occurredAt: stamp() });
    const accepted: ShownOffer[] = [];
    for (const moment of CHECKOUT_MOMENTS) {
      for (const { view } of render(moment, "checkout")) {
        if (view.kind !== "offer") continue;
        const o = view.offer;
        notePrice(o.experimentId, o.armId, o.price.final, main.variantId);
        if (takes(o.experimentId, o.armId, random)) {
          log("click", moment, "checkout", o);
          log("accept", moment, "checkout", o, { valueMinor: o.price.final });
          journey.accepted.push(o.offerId);
          accepted.push(o);
          lines.push(...offerLines(o));
        } else {
          log("decline", moment, "checkout", o);
          journey.declined.push(o.offerId);
        }
      }
    }
    await postCheckoutEvents(checkoutEvents.splice(0));
    if (random() >= truth.conversion - harm) return;

    // Post-purchase, before the order webhook: an accepted upsell is part of the order.
    const ppToken = await signPostPurchase(postPurchaseInput(lines, checkoutToken, country));
    const pp = (path: string, body: unknown) => postPurchase(ppToken, path, body);
    let ppAnswer = await pp("/api/post-purchase/offer", {});
    for (let step = 0; step < 3 && ppAnswer.offer; step++) {
      const o = ppAnswer.offer;
      const price = o.quantities.find((q) => q.multiple === 1)?.final ?? 0;
      if (o.experimentId && o.armId) seenArm(o.experimentId, o.armId, price, main.variantId);
      if (!takes(o.experimentId, o.armId, random)) {
        ppAnswer = await pp("/api/post-purchase/offer", { declineOfferId: o.offerId });
        continue;
      }
      const signed = await pp("/api/post-purchase/sign", {
        referenceId: checkoutToken,
        offerId: o.offerId,
        expected: { final: price, currency: o.currency },
      });
      if (signed.token) {
        const share = o.lines.length ? price / o.lines.length : 0;
        for (const l of o.lines) {
          const v = CATALOG.find((c) => c.variantId === l.variantId) ?? {
            key: "",
            productId: l.productId,
            variantId: l.variantId,
            title: o.offerId,
            price: share,
          };
          lines.push({
            variant: v,
            quantity: l.quantity,
            list: v.price * l.quantity,
            final: Math.round(share),
            properties: {},
          });
        }
      }
      break;
    }

    const email = group === "saas" ? `buyer-${options.seed}-${i}@example.com` : null;
    const orderAt = at + 1000 * (seconds + 30);
    const placed = await placeOrder(lines, { journeyKey, checkoutToken, email, at: orderAt, country }, random);
    if (email)
      emailOrders.push({
        buyer: i,
        orderId: placed.orderId,
        journeyKey,
        checkoutToken,
        email,
        at: orderAt,
        country,
        main: main.variantId,
      });

    // Thank-you: the extension's core on the order; an accept is a new checkout, a second order.
    const purchased = cart.map((v) => v.productId);
    for (const { view } of render("thank_you", "thank_you", purchased)) {
      if (view.kind !== "offer") continue;
      const o = view.offer;
      notePrice(o.experimentId, o.armId, o.price.final, main.variantId);
      if (takes(o.experimentId, o.armId, random)) {
        log("click", "thank_you", "thank_you", o);
        // The new checkout's order: the journey attribute from the link, the offer's line attributes.
        await placeOrder(
          offerLines(o),
          {
            journeyKey,
            checkoutToken: `${checkoutToken}-ty`,
            email: null,
            at: orderAt + 120_000,
            country,
          },
          random,
        );
      } else log("decline", "thank_you", "thank_you", o);
    }
    await postCheckoutEvents(checkoutEvents.splice(0));
  }

  const followEmails = () => followEmailLinks({ options, ledger, shopify }, emailOrders);

  return { walk, followEmails };
}
