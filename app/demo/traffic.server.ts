/**
 * Demo traffic with a planted truth. Simulated buyers walk every surface through the surfaces' own
 * code and the real endpoints; the generator never decides an arm nor logs an exposure itself:
 *  - storefront (in-cart cross-sell, exit intent): signed app proxy requests to /proxy/offers, the
 *    storefront's own tracker (packages/storefront/src/events.ts) posting to /proxy/events;
 *  - checkout moments: the checkout extension's core `decideView`, once per placement (slot 1 and
 *    2), exposures as its `exposureEvents` builds them, events to /api/events with session tokens;
 *  - post-purchase: /api/post-purchase/offer and /sign with Shopify-signed input tokens, keyed by
 *    the purchase reference (= checkout token, which the order carries);
 *  - orders: /webhooks/orders/create signed like Shopify's, with the `_moments_journey` attribute
 *    and `checkout_token`; thank-you accepts become a second order (journey attribute + the
 *    offer's line attributes); the follow-up email is scheduled by the server on orders/create and
 *    its offer (read from the outbox, where the server put it) may become a second order too;
 *  - refunds (/webhooks/refunds/create, partial, per line) and cancellations
 *    (/webhooks/orders/cancelled); test orders; some webhooks delivered twice, some refunds before
 *    their order.
 *
 * The truth: every buyer has one main product (a group) and declines every offer but the
 * experiment offers, which each arm takes with a planted rate. Arms are hashed independently, so
 * the expected difference in net revenue per visitor between a variant and its hold-out is
 *   reach x take rate x offer price x (1 - cancel rate) x (1 - refund rate x refund share),
 * reach being the order rate for offers before the order and 1 after it.
 *
 * The parts: the truth and the report's shapes (./traffic-model.ts), the experiments' ledger
 * (./traffic-ledger.ts), the buyer model (./traffic-buyer.server.ts) and the HTTP driver that
 * speaks as Shopify and the surfaces do (./traffic-shopify.server.ts).
 */
import { decodePayload, encodePayload, type Payload } from "@moments/engine";
import { DEMO_MOMENT_LIMITS, DEMO_OFFERS } from "./demo-offers";
import { createBuyers } from "./traffic-buyer.server";
import { createLedger } from "./traffic-ledger";
import { DEFAULT_TRUTH, type TrafficOptions, type TrafficReport } from "./traffic-model";
import { pool } from "./traffic-pool";
import { CURRENCY, createShopify } from "./traffic-shopify.server";

export {
  DEFAULT_TRUTH,
  baseArmId,
  type ArmTruth,
  type ExperimentTruth,
  type Group,
  type TrafficOptions,
  type TrafficReport,
  type TrafficTruth,
} from "./traffic-model";

/** The demo shop's payload when nothing is published yet: the demo offers, the demo's settings. */
export function demoPayload(now: number): Payload {
  const offers = DEMO_OFFERS.map(({ name: _name, ...o }) => o);
  const decoded = decodePayload(encodePayload(offers, { journeyCap: 3, defaultLocale: "en", momentLimits: DEMO_MOMENT_LIMITS }, now));
  if (!decoded.ok) throw new Error(`demo payload invalid: ${decoded.error.path} ${decoded.error.message}`);
  return decoded.payload;
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const truth = options.truth ?? DEFAULT_TRUTH;
  const log = options.log ?? (() => {});
  const problems: string[] = [];
  const problem = (p: string) => void (problems.length < 20 && problems.push(p));
  const ledger = createLedger(options.payload, truth);
  const shopify = createShopify(options, truth, ledger, problem);
  const { walk, followEmails } = createBuyers({ options, truth, ledger, shopify, problem });

  const buyers = pool(options.concurrency ?? 12);
  for (let i = 0; i < options.visitors; i++) {
    await buyers.run(() => walk(i).catch((e: unknown) => void problem(`buyer ${i}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)));
    if ((i + 1) % 1000 === 0) log(`${i + 1} buyers walked`);
  }
  await buyers.drain();
  await followEmails();

  const { counts, webhookFailures, tally } = shopify;
  return { currency: CURRENCY, experiments: ledger.report(), events: counts, ...tally, webhookFailures, problems };
}
