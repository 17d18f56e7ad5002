import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decodePayload, encodePayload, type Offer, type Payload } from "@moments/engine";
import { mulberry32 } from "@moments/stats";
import {
  decideView,
  EventQueue,
  exposureEvents,
  type Host,
  type OfferEvent,
  type Snapshot,
} from "@moments/surfaces/checkout";
import { ingestEvents } from "~/measurement/ingest.server";
import { freshDatabase } from "./support/db";
import { seedExperiment } from "./measurement.helpers";

/**
 * The issue's simulation: many buyers through the checkout extension's own decision and event
 * code (decideView, then the events the component queues, sent by its EventQueue) at one moment
 * with competing offers, two placements (slot 1 and slot 2) and a limit of 2, two experiments
 * (50% and 20% hold-outs, different priorities) and, in some carts, a higher-priority offer without
 * an experiment. The events both placements send are ingested through the real ingestEvents into
 * a real database, and ExperimentExposure must then show each hold-out at its configured share,
 * with the arms' carts alike: the comparison is fair whatever the placements and competitors do.
 */
const BUYERS = 20_000;
const NOW = Date.UTC(2026, 2, 2, 12);
const PLACEMENTS = [1, 2] as const;

const product = (n: number) => `gid://shopify/Product/${n}`;
const variant = (n: number) => `gid://shopify/ProductVariant/${n}`;
const offer = (
  id: string,
  priority: number,
  trigger: number,
  item: number,
  experiment?: Offer["experiment"],
): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["checkout"],
  priority,
  targeting: { products: [product(trigger)] },
  items: [{ productId: product(item), variantId: variant(item), quantity: 1, prices: { EUR: 1500 } }],
  copy: { en: { title: id } },
  ...(experiment ? { experiment } : {}),
});

const EXPERIMENTS = {
  exp_half: { holdoutBps: 5000, offer: "off_half" },
  exp_fifth: { holdoutBps: 2000, offer: "off_fifth" },
} as const;

function payload(): Payload {
  const offers: Offer[] = [
    // Outranks both experiments where its trigger is in the cart: it takes place 1 there.
    offer("off_top", 300, 10, 90),
    offer("off_half", 200, 11, 91, { id: "exp_half", holdoutBps: 5000, variants: [{ id: "v", weight: 1 }] }),
    offer("off_fifth", 100, 12, 92, {
      id: "exp_fifth",
      holdoutBps: 2000,
      variants: [
        { id: "a", weight: 1 },
        { id: "b", weight: 1 },
      ],
    }),
  ];
  const d = decodePayload(
    encodePayload(offers, { journeyCap: 10, defaultLocale: "en", momentLimits: { checkout: 2 } }, NOW - 3_600_000),
  );
  if (!d.ok) throw new Error(d.error.message);
  return d.payload;
}

/** A random cart: log-normal value (median 80 EUR) over trigger products present at random rates. */
function cart(r: () => number): Snapshot {
  const gauss = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const total = Math.max(100, Math.round(8000 * Math.exp(0.35 * gauss)));
  const triggers = [
    [10, 0.3],
    [11, 0.7],
    [12, 0.8],
  ].filter(([, p]) => r() < p!);
  const ids = triggers.length ? triggers.map(([n]) => n!) : [13];
  const each = Math.floor(total / ids.length);
  const lines = ids.map((n, i) => ({
    productId: product(n),
    variantId: variant(n),
    quantity: 1,
    unitPrice: i === 0 ? total - each * (ids.length - 1) : each,
    attributes: {},
  }));
  return { lines, lineIds: lines.map((_, i) => `line-${i}`), currency: "EUR", subtotal: total, device: "desktop" };
}

const db = freshDatabase("exposure-simulation");
let shopId: string;
const sent: OfferEvent[] = [];

beforeAll(async () => {
  shopId = (await db.prisma.shop.create({ data: { domain: "sim.myshopify.com", name: "Sim", currency: "EUR" } })).id;
  // The admin's rows for both experiments, with their version shares: ingestion accepts only
  // exposures of known experiments, in the arm the engine assigns the journey.
  await seedExperiment(db.prisma, shopId, {
    id: "exp_half",
    offerId: "off_half",
    variants: ["v"],
    holdoutBps: 5000,
    versionRows: true,
  });
  await seedExperiment(db.prisma, shopId, {
    id: "exp_fifth",
    offerId: "off_fifth",
    variants: ["a", "b"],
    holdoutBps: 2000,
    versionRows: true,
  });
  const p = payload();
  const r = mulberry32(20260302);
  // One queue per placement, as each placement's extension instance has its own.
  const host = { sessionToken: undefined } as unknown as Host;
  const queues = PLACEMENTS.map(
    () =>
      new EventQueue(
        () => host,
        () => "https://app.example",
        (_url, init) => {
          sent.push(...(JSON.parse(init.body) as { events: OfferEvent[] }).events);
          return Promise.resolve({ ok: true, status: 200 });
        },
        60_000,
      ),
  );
  for (let i = 0; i < BUYERS; i++) {
    const snapshot = cart(r);
    const journeyKey = `sim-${i}-${Math.floor(r() * 1e9).toString(36)}`;
    PLACEMENTS.forEach((slot, k) => {
      const view = decideView({ payload: p, snapshot, moment: "checkout", journeyKey, journey: {}, now: NOW, slot });
      // Exactly what OfferBlock.componentDidUpdate queues: the exposures (deduped by their id), then
      // the impression of what this placement shows.
      for (const e of exposureEvents(view.exposures, journeyKey, "checkout", snapshot))
        queues[k]!.push(Object.assign(e, { occurredAt: NOW }), e.id);
      if (view.kind === "offer")
        queues[k]!.push({
          type: "impression",
          moment: "checkout",
          surface: "checkout",
          journeyKey,
          offerId: view.offer.offerId,
          experimentId: view.offer.experimentId,
          armId: view.offer.armId,
          arm: view.offer.armId ? "variant" : "none",
          currency: "EUR",
          occurredAt: NOW,
        });
    });
    if (i % 500 === 499) for (const q of queues) while (q.pending) await q.flush();
  }
  for (const q of queues) while (q.pending) await q.flush();
  // The server takes the placements' batches as they come (duplicates across placements dropped).
  const exposures = sent.filter((e) => e.type === "exposure");
  for (let i = 0; i < exposures.length; i += 50) {
    const results = await ingestEvents(db.prisma, shopId, exposures.slice(i, i + 50), new Date(NOW));
    const rejected = results.filter((x) => x.status === "rejected");
    if (rejected.length) throw new Error(`rejected: ${JSON.stringify(rejected[0])}`);
  }
}, 600_000);

afterAll(async () => {
  await db.prisma.$disconnect();
});

describe("exposure simulation: competing offers, two placements, two experiments", () => {
  test("GIVEN both placements send their exposures WHEN they are ingested THEN each journey is one exposure per experiment (duplicates across placements dropped)", async () => {
    const events = sent.filter((e) => e.type === "exposure");
    const distinct = new Set(events.map((e) => e.id));
    expect(events.length).toBe(2 * distinct.size); // every placement sent every exposure
    expect(await db.prisma.experimentExposure.count({ where: { shopId } })).toBe(distinct.size);
  });

  for (const [experimentId, cfg] of Object.entries(EXPERIMENTS)) {
    test(`GIVEN ${experimentId} with a ${cfg.holdoutBps / 100}% hold-out WHEN exposures are read THEN the hold-out share is the configured one within 4 standard errors and the arms' mean cart at exposure agree within 2%`, async () => {
      const rows = await db.prisma.experimentExposure.findMany({
        where: { shopId, experimentId },
        select: { arm: true, cartMinor: true, surface: true },
      });
      const n = rows.length;
      const held = rows.filter((x) => x.arm === "holdout");
      const variants = rows.filter((x) => x.arm !== "holdout");
      const share = cfg.holdoutBps / 10_000;
      const observed = held.length / n;
      const se = Math.sqrt((share * (1 - share)) / n);
      const mean = (xs: typeof rows) => xs.reduce((s, x) => s + Number(x.cartMinor ?? NaN), 0) / xs.length;
      const heldMean = mean(held);
      const variantMean = mean(variants);
      const gap = Math.abs(heldMean - variantMean) / variantMean;
      console.log(
        `${experimentId}: ${n} exposures, hold-out ${held.length} (${(observed * 100).toFixed(2)}%, configured ${(share * 100).toFixed(0)}%, ` +
          `${(Math.abs(observed - share) / se).toFixed(2)} SE); mean cart hold-out ${(heldMean / 100).toFixed(2)} EUR, ` +
          `variants ${(variantMean / 100).toFixed(2)} EUR (gap ${(gap * 100).toFixed(2)}%)`,
      );
      expect(n).toBeGreaterThan(5_000);
      expect(rows.every((x) => x.surface === "checkout" && x.cartMinor !== null)).toBe(true);
      expect(Math.abs(observed - share)).toBeLessThan(4 * se);
      expect(gap).toBeLessThan(0.02);
    });
  }
});
