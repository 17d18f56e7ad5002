import { mulberry32, normalDraw, normalQuantile, type Sums } from "../src";

/**
 * The revenue-per-visitor model of the issue (5% of visitors order, order values log-normal with
 * sigma 1, mean 6,000 minor units, so 300 per visitor), with a realistic pre-exposure covariate:
 * the cart value at the moment the visitor is exposed to the experiment.
 *  - 30% of exposed visitors already have items in the cart, of value X (log-normal, mean 6,000,
 *    log-sd 0.954); the other 70% have an empty cart (X = 0: exposed on a product page).
 *  - A visitor with a cart orders with probability 15.5%, one with an empty cart 0.5% (adds items
 *    later): 5% overall. Buyers with larger carts place larger orders: the order is the cart edited
 *    at checkout, X * exp(e), e ~ N(-0.045, 0.3^2); an empty-cart buyer's order is log-normal
 *    (mean 6,000, sigma 1). Both give order values log-normal with sigma 1 (0.954^2 + 0.3^2 = 1).
 *  - The treatment multiplies order values by (1 + lift) (the upsell's add-ons); X is recorded
 *    before the offer, so the treatment cannot move it (no leak of the outcome).
 * Speed (2,000 experiments x 120 days x 2,000 visitors per arm per day): the day's counts of cart
 * buyers, cart non-buyers (normal approximations to the multinomial, n p (1 - p) >= 88) and
 * empty-cart buyers (Poisson, mean 7) are drawn, then every visitor with a cart gets a cart value
 * drawn uniformly from 4,096 equiprobable quantiles of its log-normal law (tails cut at the
 * 99.99th percentile), and every buyer an exact log-normal edit or order value.
 */
export const RPV_MEAN = 300;
const ORDER_MEAN = 6000;
const CART_BUYER = 0.3 * 0.155;
const CART_ONLY = 0.3 - CART_BUYER;
const EMPTY_BUYER = 0.7 * 0.005;
const CART_SIGMA = Math.sqrt(1 - 0.09);
const EDIT_SIGMA = 0.3;
const POOL = 4096;

const pool = (() => {
  const values = new Float64Array(POOL);
  const mu = Math.log(ORDER_MEAN) - (CART_SIGMA * CART_SIGMA) / 2;
  for (let i = 0; i < POOL; i++) values[i] = Math.exp(mu + CART_SIGMA * normalQuantile((i + 0.5) / POOL));
  return values;
})();

const countDraw = (random: () => number, n: number, p: number) =>
  Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normalDraw(random)));
function poissonDraw(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = random();
  while (prod > limit) {
    k++;
    prod *= random();
  }
  return k;
}

/** One arm's day: n visitors, revenue sums and cart-value covariate sums. */
export function rpvDay(random: () => number, n: number, lift = 0): Required<Omit<Sums, "converters">> {
  let sum = 0;
  let sumSq = 0;
  let xSum = 0;
  let xSq = 0;
  let xySum = 0;
  const factor = 1 + lift;
  const cartBuyers = countDraw(random, n, CART_BUYER);
  const cartOnly = countDraw(random, n - cartBuyers, CART_ONLY / (1 - CART_BUYER));
  const emptyBuyers = poissonDraw(random, n * EMPTY_BUYER);
  for (let i = 0; i < cartOnly; i++) {
    const x = pool[(random() * POOL) | 0]!;
    xSum += x;
    xSq += x * x;
  }
  for (let i = 0; i < cartBuyers; i++) {
    const x = pool[(random() * POOL) | 0]!;
    const y = factor * x * Math.exp(-0.045 + EDIT_SIGMA * normalDraw(random));
    xSum += x;
    xSq += x * x;
    xySum += x * y;
    sum += y;
    sumSq += y * y;
  }
  const emptyMu = Math.log(ORDER_MEAN) - 0.5;
  for (let i = 0; i < emptyBuyers; i++) {
    const y = factor * Math.exp(emptyMu + normalDraw(random));
    sum += y;
    sumSq += y * y;
  }
  return { n, sum, sumSq, xSum, xSq, xySum };
}

/** Drops the covariate fields: the same days as the roll-ups store them without a covariate. */
export const withoutCovariate = (days: readonly Sums[]): Sums[] => days.map((d) => ({ n: d.n, sum: d.sum, sumSq: d.sumSq }));

export interface Experiment {
  control: Required<Omit<Sums, "converters">>[];
  treatments: Required<Omit<Sums, "converters">>[][];
}

/** `count` experiments of `days` days, `arms` treatment arms each with `lift`, same daily traffic. */
export function simulateExperiments(seed: number, count: number, days: number, visitorsPerDay: number, lift: number, arms = 1): Experiment[] {
  const random = mulberry32(seed);
  const out: Experiment[] = [];
  for (let e = 0; e < count; e++) {
    const control: Required<Omit<Sums, "converters">>[] = [];
    const treatments: Required<Omit<Sums, "converters">>[][] = Array.from({ length: arms }, () => []);
    for (let d = 0; d < days; d++) {
      control.push(rpvDay(random, visitorsPerDay));
      for (const t of treatments) t.push(rpvDay(random, visitorsPerDay, lift));
    }
    out.push({ control, treatments });
  }
  return out;
}
