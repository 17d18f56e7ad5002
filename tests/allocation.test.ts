import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assign, exposureEventId, type ExperimentLike } from "@moments/engine";
import { allocateShop } from "~/allocation/allocate.server";
import { withJourneyPins } from "~/allocation/pins.server";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { loadOfferForm, saveOfferForm } from "~/offers/offers.server";
import { redactShop } from "~/privacy.server";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { freshDatabase } from "./support/db";
import { seedArmDays } from "./support/experiment-rollups";

/**
 * Automatic allocation (issue 16, decision 030): the daily job on the demo shop's real offers,
 * experiments, roll-ups and publish path, on SQLite and on PostgreSQL.
 */
const db = freshDatabase("allocation");
const prisma = db.prisma;
afterAll(() => prisma.$disconnect());

const DAY1 = new Date("2026-12-03T06:00:00Z");
const DAY2 = new Date("2026-12-04T06:00:00Z");
let shopId: string;
let x: { id: string; offerId: string; version: number; holdoutBps: number; arms: string[] };

const gateway = () => demoGateway(prisma, shopId);
const shop = () => prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
const publishedSpec = async () =>
  (await getPublishedPayload(prisma, shopId))!.offers.find((o) => o.experiment?.id === x.id)!.experiment!;
const epoch = (day: string) =>
  prisma.allocationEpoch.findUniqueOrThrow({
    where: { shopId_experimentId_version_day: { shopId, experimentId: x.id, version: x.version, day } },
  });

beforeAll(async () => {
  shopId = (await ensureDemoShop(prisma)).shopId;
  await ensureDemoOffers(prisma, shopId);
  expect((await publishShop(prisma, await shop(), gateway())).ok).toBe(true);
  // A running demo experiment with two or more variants, switched to automatic allocation.
  const experiments = await prisma.experiment.findMany({
    where: { shopId, status: "running" },
    include: { offer: { select: { variants: { orderBy: { createdAt: "asc" } } } } },
    orderBy: { id: "asc" },
  });
  const e = experiments.find((r) => r.offer.variants.filter((v) => v.weight > 0).length >= 2)!;
  x = {
    id: e.id,
    offerId: e.offerId,
    version: e.version,
    holdoutBps: e.holdoutBps,
    arms: e.offer.variants.filter((v) => v.weight > 0).map((v) => v.id),
  };
  await prisma.experiment.update({ where: { id: x.id }, data: { allocation: "automatic" } });
  // 14 completed days: the last arm converts at 8%, the others at 4%, same order value.
  const base = { shopId, experimentId: x.id, offerId: x.offerId, version: x.version, days: 14, visitorsPerDay: 300 };
  await seedArmDays(prisma, {
    ...base,
    arm: "holdout",
    firstDay: "2026-11-19",
    visitorsPerDay: 60,
    conversion: 0.04,
    orderMinor: 5000,
    seed: 1,
  });
  for (const [i, arm] of x.arms.entries())
    await seedArmDays(prisma, {
      ...base,
      arm,
      firstDay: "2026-11-19",
      conversion: i === x.arms.length - 1 ? 0.08 : 0.04,
      orderMinor: 5000,
      seed: 10 + i,
    });
  // Today is not a completed day: its (contrary) data must not count.
  await seedArmDays(prisma, {
    ...base,
    arm: x.arms[0]!,
    firstDay: "2026-12-03",
    days: 1,
    visitorsPerDay: 5000,
    conversion: 0.5,
    orderMinor: 5000,
    seed: 99,
  });
});

describe("the daily allocation job", () => {
  test("GIVEN 14 completed days where the last variant earns twice as much per visitor WHEN the job runs THEN it stores today's epoch from those days only and publishes weights that favour that variant", async () => {
    const before = await publishedSpec();
    const { results, publish } = await allocateShop(prisma, await shop(), gateway(), DAY1);

    expect(publish?.ok).toBe(true);
    expect(results).toEqual([expect.objectContaining({ experimentId: x.id, day: "2026-12-03", created: true })]);
    const row = await epoch("2026-12-03");
    expect(row.basisDays).toBe(14);
    const published = await publishedSpec();
    const best = published.variants.find((v) => v.id === x.arms[x.arms.length - 1])!;
    for (const v of published.variants) if (v.id !== best.id) expect(best.weight).toBeGreaterThan(v.weight);
    expect(Object.fromEntries(published.variants.map((v) => [v.id, v.weight]))).toEqual(JSON.parse(row.weights));
    expect(published.variants.map((v) => v.weight)).not.toEqual(before.variants.map((v) => v.weight));
  });

  test("GIVEN the job already ran today WHEN it runs again, or its epoch is recomputed from scratch THEN the weights are the same", async () => {
    const first = await epoch("2026-12-03");
    const again = await allocateShop(prisma, await shop(), gateway(), new Date("2026-12-03T18:00:00Z"));
    expect(again.results[0]).toMatchObject({ created: false, weights: JSON.parse(first.weights) });
    expect(again.publish).toBeNull();

    await prisma.allocationEpoch.delete({
      where: { shopId_experimentId_version_day: { shopId, experimentId: x.id, version: x.version, day: "2026-12-03" } },
    });
    const rerun = await allocateShop(prisma, await shop(), gateway(), DAY1);
    expect(rerun.results[0]).toMatchObject({ created: true, weights: JSON.parse(first.weights) });
    expect((await epoch("2026-12-03")).probabilities).toBe(first.probabilities);
  });

  test("GIVEN weights moved WHEN the experiment is read back THEN it is still the same version, with no new version row", async () => {
    const versionsBefore = await prisma.experimentVersion.count({ where: { shopId, experimentId: x.id } });
    await allocateShop(prisma, await shop(), gateway(), DAY2);
    expect((await prisma.experiment.findUniqueOrThrow({ where: { id: x.id } })).version).toBe(x.version);
    expect(await prisma.experimentVersion.count({ where: { shopId, experimentId: x.id } })).toBe(versionsBefore);
    expect((await publishedSpec()).version ?? 1).toBe(x.version);
  });

  test("GIVEN weights moved WHEN the payload is published THEN the hold-out share is the configured one and the variants share exactly the rest", async () => {
    const spec = await publishedSpec();
    expect(spec.holdoutBps).toBe(x.holdoutBps);
    expect(spec.variants.reduce((s, v) => s + v.weight, 0)).toBe(10000 - x.holdoutBps);
    expect((await epoch("2026-12-04")).holdoutBps).toBe(x.holdoutBps);
  });
});

describe("exposures under automatic allocation", () => {
  /** The configuration of one epoch, as assign() reads it. */
  const configOf = async (day: string): Promise<ExperimentLike> => ({
    id: x.id,
    holdoutBps: x.holdoutBps,
    variants: Object.entries(JSON.parse((await epoch(day)).weights) as Record<string, number>).map(([id, weight]) => ({
      id,
      weight,
    })),
  });
  const exposure = (journeyKey: string, arm: string) => ({
    id: exposureEventId(x.id, x.version, journeyKey),
    type: "exposure",
    moment: "checkout",
    surface: "checkout",
    journeyKey,
    offerId: x.offerId,
    experimentId: x.id,
    version: x.version,
    arm: arm === "holdout" ? "holdout" : "variant",
    ...(arm === "holdout" ? {} : { armId: arm }),
    currency: "EUR",
    occurredAt: DAY2.getTime(),
  });

  test("GIVEN a journey decided under the older epoch into an arm today's weights would not give it WHEN its exposure arrives THEN it is accepted", async () => {
    const older = await configOf("2026-12-03");
    const now = await publishedSpec();
    let key = "";
    for (let i = 0; i < 100000 && !key; i++) {
      const k = `old-epoch-${i}`;
      const a = assign(older, k);
      const b = assign(now, k);
      if (a.kind === "variant" && b.kind === "variant" && a.armId !== b.armId) key = k;
    }
    expect(key).not.toBe("");
    const arm = assign(older, key);
    const [answer] = await ingestEvents(prisma, shopId, [exposure(key, arm.kind === "variant" ? arm.armId : "")], DAY2);
    expect(answer).toMatchObject({ status: "accepted" });
  });

  test("GIVEN a journey in the hold-out WHEN its exposure claims a variant THEN it is still rejected: the hold-out never moves", async () => {
    const now = await publishedSpec();
    let key = "";
    for (let i = 0; !key; i++) if (assign(now, `held-${i}`).kind === "holdout") key = `held-${i}`;
    const [answer] = await ingestEvents(prisma, shopId, [exposure(key, x.arms[0]!)], DAY2);
    expect(answer).toMatchObject({ status: "rejected", reason: "arm: does not match the assignment for this journey" });
  });
});

describe("sticky arms on the server-decided storefront", () => {
  test("GIVEN a journey counted in an arm under the older epoch WHEN the storefront proxy decides under today's weights THEN the payload it decides on gives the journey that arm back", async () => {
    const older: ExperimentLike = {
      id: x.id,
      holdoutBps: x.holdoutBps,
      variants: Object.entries(JSON.parse((await epoch("2026-12-03")).weights) as Record<string, number>).map(
        ([id, weight]) => ({ id, weight }),
      ),
    };
    const payload = (await getPublishedPayload(prisma, shopId))!;
    const now = payload.offers.find((o) => o.experiment?.id === x.id)!.experiment!;
    let key = "";
    for (let i = 0; i < 100000 && !key; i++) {
      const a = assign(older, `sf-${i}`);
      const b = assign(now, `sf-${i}`);
      if (a.kind === "variant" && b.kind === "variant" && a.armId !== b.armId) key = `sf-${i}`;
    }
    const first = assign(older, key);
    const armId = first.kind === "variant" ? first.armId : "";
    await prisma.experimentExposure.create({
      data: {
        shopId,
        experimentId: x.id,
        version: x.version,
        journeyKey: key,
        offerId: x.offerId,
        moment: "cart",
        surface: "storefront",
        arm: armId,
        day: "2026-12-03",
        firstSeenAt: DAY1,
      },
    });

    const pinned = await withJourneyPins(prisma, shopId, key, payload);

    const spec = pinned.offers.find((o) => o.experiment?.id === x.id)!.experiment!;
    expect(assign(spec, key)).toEqual({ kind: "variant", armId });
    expect(assign(now, key)).not.toEqual({ kind: "variant", armId });
  });
});

describe("the editor's allocation setting", () => {
  test("GIVEN the automatic experiment in the editor WHEN the merchant switches it to fixed and saves THEN the experiment is fixed, in the same version, and the payload carries the configured weights again", async () => {
    const { form } = await loadOfferForm(prisma, await shop(), gateway(), x.offerId);
    expect(form!.experiment.allocation).toBe("automatic");
    form!.experiment.allocation = "fixed";

    const result = await saveOfferForm(prisma, await shop(), gateway(), x.offerId, form!);

    expect(result.ok).toBe(true);
    const row = await prisma.experiment.findUniqueOrThrow({ where: { id: x.id } });
    expect(row).toMatchObject({ allocation: "fixed", version: x.version });
    const variants = await prisma.offerVariant.findMany({ where: { offerId: x.offerId, weight: { gt: 0 } } });
    const sum = variants.reduce((s, v) => s + v.weight, 0);
    const spec = await publishedSpec();
    // The configured ratio (rendezvous hashing reads the weights' ratios only).
    for (const v of spec.variants)
      expect(v.weight / spec.variants.reduce((s2, w) => s2 + w.weight, 0)).toBeCloseTo(
        variants.find((w) => w.id === v.id)!.weight / sum,
        6,
      );
  });
});

describe("shop redaction", () => {
  test("GIVEN a shop with allocation epochs WHEN shop/redact removes the shop THEN its epochs are gone too", async () => {
    expect(await prisma.allocationEpoch.count({ where: { shopId } })).toBeGreaterThan(0);
    const { domain } = await shop();
    await prisma.$transaction((tx) => redactShop(tx, domain, "keep"));
    expect(await prisma.allocationEpoch.count({ where: { shopId } })).toBe(0);
  });
});
