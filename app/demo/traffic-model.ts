/**
 * What the traffic generator is given and what it answers: the planted truth buyers follow, the
 * run's options, and the report of what the buyers actually did, to compare with the dashboard.
 */
import type { MomentId, Payload } from "@moments/engine";
import { mulberry32 } from "@moments/stats";

/**
 * Buyer i's own seeded stream of draws (`stream` 0 for its walk, 1 for its follow-up email): the
 * same seed and buyer give the same draws whatever order concurrent buyers' requests answer in.
 */
export const buyerRandom = (seed: number, buyer: number, stream = 0): (() => number) =>
  mulberry32(
    (Math.imul(seed, 0x9e3779b1) ^ Math.imul(buyer + 1, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0,
  );

export type Group = "laptop" | "drill" | "parka" | "headset" | "print" | "saas";

export interface TrafficTruth {
  /** Share of carts that become an order. */
  conversion: number;
  /** Share of visitors whose main product is of each group. */
  groups: Record<Group, number>;
  /** Share of storefront visitors that show exit intent. */
  exitIntent: number;
  /** Base experiment id -> base arm id -> take rate (arms absent take nothing). */
  takeRates: Record<string, Record<string, number>>;
  /** Share of orders cancelled (net revenue 0). */
  cancelRate: number;
  /** Each line of a kept order is refunded with this probability, by `refundShare` of its amount. */
  refundRate: number;
  refundShare: number;
  /** Share of orders also placed as a test order (`test: true`), never counted. */
  testOrderRate: number;
  /** Share of webhooks delivered twice. */
  duplicateRate: number;
  /** Share of refunds delivered before their order. */
  lateRefundRate: number;
  /** Share of buyers with a second item (not a trigger) in the cart: the carts vary (CUPED's covariate). */
  extraItem: number;
  /**
   * Base experiment id -> how much less often (share, e.g. 0.1 = 10 points) a buyer whose checkout
   * exposure put them in a treated arm of it completes the checkout (a harmful offer, decision 031).
   */
  completionDrop?: Record<string, number>;
}

export const DEFAULT_TRUTH: TrafficTruth = {
  conversion: 0.9,
  groups: { laptop: 0.17, drill: 0.17, parka: 0.16, headset: 0.17, print: 0.17, saas: 0.16 },
  exitIntent: 0.8,
  takeRates: {
    // "full": the old demo's +8% of the laptop cart (take rate = 8% x mean laptop / mean Care+ price).
    "demo-laptop-care-price": { full: 0.8, minus15: 0.5 },
    "demo-cart-headset-cable-test": { cablefull: 0.3, cable20: 0.45 },
    "demo-exit-print-case-test": { exitcase: 0.35 },
    "demo-drill-case-price": { case20: 0.4 },
    "demo-drill-insurance-test": { insurance: 0 }, // planted ~0
    "demo-pp-parka-kit-test": { ppkit: 0.5 },
    "demo-saas-onboarding-ty-test": { onboarding20: 0.3 },
    "demo-email-onboarding-test": { onboarding30: 0.25 },
  },
  cancelRate: 0.05,
  refundRate: 0.1,
  refundShare: 0.5,
  testOrderRate: 0.02,
  duplicateRate: 0.05,
  lateRefundRate: 0.2,
  extraItem: 0.5,
};

/**
 * `npm run demo:traffic`'s truth: the default one plus a harmful offer for the completion guardrail
 * to catch (decision 031): buyers in the drill insurance's treated arm abandon the checkout
 * `points` percentage points more often (default 40: with 3,000 visitors only about 230 drill
 * buyers an arm reach it, and smaller drops are not proven that fast; decision 031 has the figures).
 */
export const harmfulDemoTruth = (points = 40): TrafficTruth => ({
  ...DEFAULT_TRUTH,
  completionDrop: { [HARMFUL_DEMO_EXPERIMENT]: points / 100 },
});
export const HARMFUL_DEMO_EXPERIMENT = "demo-drill-insurance-test";

export interface TrafficOptions {
  baseUrl: string;
  shopDomain: string;
  apiKey: string;
  secret: string;
  payload: Payload;
  visitors: number;
  seed: number;
  /** Visits spread over the last `days` days (at most 7: the server clamps older client times). */
  days: number;
  now: number;
  truth?: TrafficTruth;
  /** Concurrent buyers. */
  concurrency?: number;
  /** Reads the follow-up emails the server scheduled (the outbox); without it, emails are not taken. */
  outbox?: (orderIds: string[]) => Promise<
    Array<{
      orderShopifyId: string;
      content: string;
      armId: string | null;
      experimentId: string | null;
      offerId: string;
    }>
  >;
  log?: (line: string) => void;
}

export interface ArmTruth {
  arm: string;
  takeRate: number;
  /** The offer's price in this arm as the surface showed it (minor units); 0 for the hold-out. */
  priceMinor: number;
  /** Planted difference in expected net revenue per visitor over the hold-out (minor units). */
  expectedDiffMinor: number;
  /** Visitors of this arm as far as the surface told the buyer (the hold-out is invisible on some surfaces). */
  seen: number;
}

export interface ExperimentTruth {
  experimentId: string;
  offerId: string;
  surface: string;
  moment: MomentId;
  /** Reach x (1 - cancel) x (1 - refund x share): the expected net share of an accepted offer. */
  netFactor: number;
  arms: ArmTruth[];
  /**
   * For the checkout, whose core tells the buyer every arm (hold-out included): the realized net revenue of
   * the exposed journeys, test orders excluded, refunds and cancellations netted.
   */
  realized?: { journeys: number; netMinor: number };
}

export interface TrafficReport {
  currency: string;
  experiments: ExperimentTruth[];
  events: { accepted: number; duplicate: number; rejected: number; reasons: string[] };
  orders: number;
  testOrders: number;
  cancelled: number;
  refunds: number;
  webhookFailures: string[];
  problems: string[];
}

export const CHECKOUT_MOMENTS: MomentId[] = ["checkout", "information", "shipping", "payment"];

/** Demo ids carry a per-shop suffix (app/demo/demo-offers.ts); the planted truth names the base id. */
export const baseArmId = (id: string) => id.replace(/-[a-z0-9]{8}$/, "");
