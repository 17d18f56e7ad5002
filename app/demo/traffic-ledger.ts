/**
 * The planted truth per experiment, and what the run saw of it: which arms buyers were shown, at
 * which price, and the net revenue of each journey. Kept apart from the buyers and the HTTP so the
 * expected difference per arm is computed in one place, from what the surfaces really showed.
 */
import type { MomentId, Payload } from "@moments/engine";
import { CHECKOUT_MOMENTS, baseArmId, type ExperimentTruth, type TrafficTruth } from "./traffic-model";

const PRE_ORDER = new Set<MomentId>(["cart", "exit_intent", ...CHECKOUT_MOMENTS]);

export type Ledger = ReturnType<typeof createLedger>;

export function createLedger(payload: Payload, truth: TrafficTruth) {
  const netFactorAfter = (1 - truth.cancelRate) * (1 - truth.refundRate * truth.refundShare);

  // Experiments of the payload, with the arms' planted take rates.
  const experiments = new Map<string, ExperimentTruth & { offerOf: string }>();
  for (const o of payload.offers) {
    if (!o.experiment) continue;
    const moment = o.moments[0]!;
    const rates = truth.takeRates[baseArmId(o.experiment.id)] ?? {};
    const surface =
      moment === "cart" || moment === "exit_intent"
        ? "storefront"
        : moment === "thank_you"
          ? "thank_you"
          : moment === "post_purchase"
            ? "post_purchase"
            : moment === "email"
              ? "email"
              : "checkout";
    experiments.set(o.experiment.id, {
      experimentId: o.experiment.id,
      offerId: o.id,
      offerOf: o.id,
      surface,
      moment,
      netFactor: (PRE_ORDER.has(moment) ? truth.conversion : 1) * netFactorAfter,
      arms: [
        { arm: "holdout", takeRate: 0, priceMinor: 0, expectedDiffMinor: 0, seen: 0 },
        ...o.experiment.variants.map((v) => ({
          arm: v.id,
          takeRate: rates[baseArmId(v.id)] ?? 0,
          priceMinor: 0,
          expectedDiffMinor: 0,
          seen: 0,
        })),
      ],
      realized: surface === "checkout" ? { journeys: 0, netMinor: 0 } : undefined,
    });
  }
  const armOf = (experimentId: string | undefined, arm: string) =>
    experiments.get(experimentId ?? "")?.arms.find((a) => a.arm === arm);
  // The offer's price per arm and main product: the truth averages it over the group's products,
  // which buyers choose uniformly (a "10% of the laptop" offer has one price per laptop).
  const prices = new Map<string, Map<string, number>>();
  const notePrice = (experimentId: string | undefined, arm: string | undefined, price: number, main: string) => {
    if (!armOf(experimentId, arm ?? "") || !arm || price <= 0) return;
    const key = `${experimentId}|${arm}`;
    const m = prices.get(key) ?? new Map<string, number>();
    m.set(main, price);
    prices.set(key, m);
  };
  const seenArm = (experimentId: string | undefined, arm: string, price: number, main: string) => {
    const a = armOf(experimentId, arm);
    if (!a) return undefined;
    a.seen++;
    notePrice(experimentId, arm, price, main);
    return a;
  };
  /** Decides with the planted take rate of the arm, on the buyer's draws: a buyer takes experiment offers only. */
  const takes = (experimentId: string | undefined, arm: string | undefined, random: () => number) => {
    const rate = arm ? (armOf(experimentId, arm)?.takeRate ?? 0) : 0;
    return random() < rate;
  };

  const journeyNet = new Map<string, number>();
  const exposedJourneys = new Map<string, Set<string>>();
  const exposed = (experimentId: string, journeyKey: string) => {
    const set = exposedJourneys.get(experimentId) ?? new Set<string>();
    set.add(journeyKey);
    exposedJourneys.set(experimentId, set);
  };
  const addNet = (key: string, net: number) => journeyNet.set(key, (journeyNet.get(key) ?? 0) + net);

  const report = (): ExperimentTruth[] =>
    [...experiments.values()].map(({ offerOf: _o, ...x }) => {
      for (const a of x.arms) {
        const byMain = [...(prices.get(`${x.experimentId}|${a.arm}`)?.values() ?? [])];
        a.priceMinor = byMain.length ? byMain.reduce((s, p) => s + p, 0) / byMain.length : 0;
        a.expectedDiffMinor = a.arm === "holdout" ? 0 : x.netFactor * a.takeRate * a.priceMinor;
      }
      if (x.realized) {
        const keys = exposedJourneys.get(x.experimentId) ?? new Set<string>();
        x.realized = { journeys: keys.size, netMinor: [...keys].reduce((s, k) => s + (journeyNet.get(k) ?? 0), 0) };
      }
      return x;
    });

  return { notePrice, seenArm, takes, exposed, addNet, report };
}
