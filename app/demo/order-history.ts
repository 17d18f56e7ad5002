/**
 * The demo store's order history for suggestions (decision 029): a deterministic, seeded history
 * over the demo catalog with planted complements, mined like a real shop's (mineOrderLines). The
 * seeded `Order` rows (seed.server.ts) pick each line independently, so nothing in them is bought
 * together more than chance says; this history plants what a merchant would want found. Pure: the
 * same seed and `now` give the same lines.
 */
import { mulberry32 } from "@moments/stats";
import { DEMO_CATALOG, demoProductGid } from "./catalog";

/** Trigger -> complement (catalog keys) and how often a buyer of the trigger also takes it. */
export const DEMO_PLANTED_COMPLEMENTS: ReadonlyArray<{ trigger: string; complement: string; rate: number }> = [
  { trigger: "laptop", complement: "headset", rate: 0.3 },
  { trigger: "headset", complement: "cable", rate: 0.35 },
  { trigger: "drill", complement: "tool-case", rate: 0.4 },
  { trigger: "saas", complement: "onboarding", rate: 0.3 },
];

export const DEMO_HISTORY_DAYS = 180;
export const DEMO_HISTORY_ORDERS_PER_DAY = 12;
const DAY_MS = 86_400_000;

const productId = (key: string): string => demoProductGid(DEMO_CATALOG.findIndex((p) => p.key === key));

/**
 * `{ orderId, productId }` lines of the orders placed since `since` (at most DEMO_HISTORY_DAYS
 * before `now`): baskets of 1-3 products by the catalog's popularity, plus the planted complements.
 */
export function* demoOrderHistory(now: Date, since: Date): Generator<{ orderId: string; productId: string }> {
  const rand = mulberry32(20261203);
  const weighted = DEMO_CATALOG.map((p, i) => ({ id: demoProductGid(i), weight: p.popularity }));
  const total = weighted.reduce((s, p) => s + p.weight, 0);
  const pick = () => {
    let x = rand() * total;
    for (const p of weighted) if ((x -= p.weight) < 0) return p.id;
    return weighted[weighted.length - 1]!.id;
  };
  const planted = DEMO_PLANTED_COMPLEMENTS.map((p) => ({
    trigger: productId(p.trigger),
    complement: productId(p.complement),
    rate: p.rate,
  }));
  // Days counted from a fixed midnight before `now`, so that a run on the same day sees the same orders.
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  let n = 0;
  for (let d = DEMO_HISTORY_DAYS; d >= 1; d--) {
    const count = Math.floor(DEMO_HISTORY_ORDERS_PER_DAY * (0.5 + rand()));
    for (let k = 0; k < count; k++) {
      const orderId = `demo-history-${++n}`;
      const size = 1 + (rand() < 0.35 ? 1 : 0) + (rand() < 0.1 ? 1 : 0);
      const basket = new Set<string>();
      for (let i = 0; i < size; i++) basket.add(pick());
      for (const p of planted) if (basket.has(p.trigger) && rand() < p.rate) basket.add(p.complement);
      if (today - d * DAY_MS < since.getTime()) continue; // drawn all the same: the stream stays the same
      for (const id of basket) yield { orderId, productId: id };
    }
  }
}
