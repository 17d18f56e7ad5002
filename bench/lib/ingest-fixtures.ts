// The ingest-http bench's fixtures: installed shops with an experiment, and the endless stream of
// their buyers' events that the load generator posts.
import type { PrismaClient } from "@prisma/client";
import { assign, type ExperimentLike } from "@moments/engine";
import { mulberry32 } from "@moments/stats";

/** An installed shop with what its buyers' events name: an offer in an experiment, and one without. */
export interface BenchShop {
  id: string;
  domain: string;
  experiment: ExperimentLike & { offerId: string };
  plainOfferId: string;
}

export async function installShop(prisma: PrismaClient, domain: string): Promise<BenchShop> {
  const shop = await prisma.shop.create({
    data: { domain, name: domain.split(".")[0]!, currency: "EUR", settings: { create: {} } },
  });
  await prisma.session.create({
    data: {
      id: `offline_${domain}`,
      shop: domain,
      state: "",
      isOnline: false,
      accessToken: "shpat_bench",
      scope: "read_products",
    },
  });
  const offer = await prisma.offer.create({
    data: {
      shopId: shop.id,
      name: "Protection plan",
      type: "warranty",
      status: "active",
      definition: "{}",
      moments: { create: [{ moment: "checkout" }] },
      variants: { create: [{ name: "A", isControl: true }, { name: "B" }] },
    },
    include: { variants: true },
  });
  const plain = await prisma.offer.create({
    data: {
      shopId: shop.id,
      name: "Care kit",
      type: "product",
      status: "active",
      definition: "{}",
      moments: { create: [{ moment: "thank_you" }] },
    },
  });
  const holdoutBps = 1000;
  const experiment = await prisma.experiment.create({
    data: { shopId: shop.id, offerId: offer.id, status: "running", holdoutBps, startedAt: new Date(), version: 1 },
  });
  // The version's shares: what the server checks an exposure's arm against (no publication here).
  const share = (1 - holdoutBps / 10_000) / offer.variants.length;
  const variants = offer.variants.map((v) => ({ id: v.id, weight: share }));
  await prisma.experimentVersion.create({
    data: {
      shopId: shop.id,
      experimentId: experiment.id,
      version: 1,
      startedAt: new Date(),
      holdoutBps,
      shares: JSON.stringify({
        holdout: holdoutBps / 10_000,
        ...Object.fromEntries(variants.map((v) => [v.id, v.weight])),
      }),
      fingerprint: "bench",
    },
  });
  return {
    id: shop.id,
    domain,
    experiment: { id: experiment.id, offerId: offer.id, holdoutBps, variants },
    plainOfferId: plain.id,
  };
}

/**
 * An endless stream of one shop's buyers' events, journey after journey, each id unique: at
 * checkout the exposure of the experiment (arm as the engine assigns it to the journey), then for
 * variant buyers the impression and sometimes a click, an accept with its value or a decline (a
 * hold-out buyer reports only the exposure); on the thank-you page the other offer's impression
 * and sometimes a click and an accept.
 */
export function eventStream(shop: BenchShop, tag: string) {
  const random = mulberry32(7);
  const queue: object[] = [];
  let n = 0;
  let journeys = 0;
  const COUNTRIES = ["US", "DE", "FR", "GB", "NL", "IT", "ES", "CA"];
  const fillJourney = () => {
    const journeyKey = `${tag}-j${(journeys++).toString(36)}`;
    const common = {
      journeyKey,
      device: random() < 0.6 ? "mobile" : "desktop",
      country: COUNTRIES[Math.floor(random() * COUNTRIES.length)]!,
      returning: random() < 0.3,
    };
    const event = (over: Record<string, unknown>) => ({
      id: `${tag}-${(n++).toString(36)}`,
      occurredAt: Date.now(),
      ...common,
      ...over,
    });
    const x = shop.experiment;
    const arm = assign(x, journeyKey);
    const inExperiment = {
      moment: "checkout",
      surface: "checkout",
      offerId: x.offerId,
      experimentId: x.id,
      version: 1,
    };
    if (arm.kind === "holdout")
      queue.push(
        event({ ...inExperiment, type: "exposure", arm: "holdout", cartMinor: 5000 + Math.floor(random() * 20000) }),
      );
    else {
      const shown = { ...inExperiment, arm: "variant", armId: arm.armId };
      queue.push(event({ ...shown, type: "exposure", cartMinor: 5000 + Math.floor(random() * 20000) }));
      queue.push(event({ ...shown, type: "impression" }));
      const r = random();
      if (r < 0.15)
        queue.push(
          event({ ...shown, type: "click" }),
          event({ ...shown, type: "accept", valueMinor: 4900, currency: "EUR" }),
        );
      else if (r < 0.3) queue.push(event({ ...shown, type: "click" }));
      else if (r < 0.45) queue.push(event({ ...shown, type: "decline" }));
    }
    const thankYou = { moment: "thank_you", surface: "thank_you", offerId: shop.plainOfferId, arm: "none" };
    queue.push(event({ ...thankYou, type: "impression" }));
    if (random() < 0.1)
      queue.push(
        event({ ...thankYou, type: "click" }),
        event({ ...thankYou, type: "accept", valueMinor: 2900, currency: "EUR" }),
      );
  };
  return (count: number) => {
    while (queue.length < count) fillJourney();
    return queue.splice(0, count) as Array<{ id: string }>;
  };
}
