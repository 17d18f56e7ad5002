import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { encodePayload, exposureEventId, type Offer } from "@moments/engine";
import { CART_CAP_MINOR } from "~/measurement/exposures.server";
import type { EventInput } from "~/measurement/contract";
import { verifyExposures } from "~/measurement/exposure-check.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { freshDatabase } from "./support/db";
import { numbers } from "./support/numbers";
import { armOf, keyInArm, seedExperiment } from "./measurement.helpers";

// Exposures come from untrusted clients (review finding 2): only an exposure of a known experiment,
// version and variant, in the arm the engine assigns its journey key, becomes a visitor.
const db = freshDatabase("measurement-trust");
const prisma = db.prisma;
const NOW = new Date("2026-11-20T12:00:00Z");
let shopId: string;

afterAll(() => prisma.$disconnect());
beforeEach(async () => {
  await prisma.shop.deleteMany();
  shopId = (await prisma.shop.create({ data: { domain: "trust.myshopify.com", name: "Trust", currency: "USD" } })).id;
});

const exposure = (
  journeyKey: string,
  arm: string,
  o: { experimentId?: string; version?: number; offerId?: string; cartMinor?: number } = {},
) => {
  const experimentId = o.experimentId ?? "exp-t";
  const version = o.version ?? 1;
  return {
    id: exposureEventId(experimentId, version, journeyKey),
    type: "exposure",
    moment: "checkout",
    surface: "checkout",
    journeyKey,
    offerId: o.offerId ?? "offer-t",
    experimentId,
    version,
    arm: arm === "holdout" ? "holdout" : "variant",
    ...(arm === "holdout" ? {} : { armId: arm }),
    ...(o.cartMinor === undefined ? {} : { cartMinor: o.cartMinor }),
    currency: "USD",
    occurredAt: NOW.getTime(),
  };
};
const ingest = (...events: unknown[]) => ingestEvents(prisma, shopId, events, NOW);
const visitors = () => prisma.experimentExposure.count({ where: { shopId } });

describe("what an exposure must name", () => {
  test("GIVEN an exposure of an experiment the shop does not have WHEN ingested THEN it is rejected as unknown and makes no visitor", async () => {
    expect(await ingest(exposure("j-1", "holdout", { experimentId: "forged" }))).toEqual([
      { id: expect.any(String), status: "rejected", reason: "experimentId: unknown experiment" },
    ]);
    expect(await visitors()).toBe(0);
    expect(await prisma.event.count()).toBe(0);
  });

  test("GIVEN an exposure naming another shop's experiment WHEN ingested THEN it is rejected as unknown", async () => {
    const other = (
      await prisma.shop.create({ data: { domain: "other.myshopify.com", name: "Other", currency: "USD" } })
    ).id;
    await seedExperiment(prisma, other, { id: "exp-t", offerId: "offer-t", variants: ["vt1"] });
    expect((await ingest(exposure("j-1", "holdout")))[0]).toMatchObject({
      status: "rejected",
      reason: "experimentId: unknown experiment",
    });
  });

  test("GIVEN an exposure with a variant id the experiment never had WHEN ingested THEN it is rejected and creates no arm", async () => {
    await seedExperiment(prisma, shopId, { id: "exp-t", offerId: "offer-t", variants: ["vt1"] });
    expect((await ingest(exposure("j-1", "anything")))[0]).toMatchObject({
      status: "rejected",
      reason: "armId: not an arm of this experiment",
    });
    expect(await prisma.experimentDaily.count()).toBe(0);
  });

  test("GIVEN an exposure naming another offer than the experiment's WHEN ingested THEN it is rejected", async () => {
    await seedExperiment(prisma, shopId, { id: "exp-t", offerId: "offer-t", variants: ["vt1"] });
    expect((await ingest(exposure("j-1", "holdout", { offerId: "offer-x" })))[0]).toMatchObject({
      status: "rejected",
      reason: "offerId: not this experiment's offer",
    });
  });

  test("GIVEN an experiment at version 2 without version rows WHEN exposures of versions 1, 2 and 3 arrive THEN 1 and 2 are accepted and 3 is rejected", async () => {
    await seedExperiment(prisma, shopId, { id: "exp-t", offerId: "offer-t", variants: ["vt1"], version: 2 });
    const results = await ingest(
      exposure("j-1", "holdout", { version: 1 }),
      exposure("j-1", "holdout", { version: 2 }),
      exposure("j-1", "holdout", { version: 3 }),
    );
    expect(results.map((r) => (r.status === "rejected" ? r.reason : r.status))).toEqual([
      "accepted",
      "accepted",
      "version: unknown version of this experiment",
    ]);
  });
});

describe("the arm is the engine's assignment", () => {
  test("GIVEN version rows WHEN a journey reports the arm the engine assigns it THEN it is accepted, and the other arm is rejected", async () => {
    const config = await seedExperiment(prisma, shopId, {
      id: "exp-t",
      offerId: "offer-t",
      variants: ["vt1", "vt2"],
      holdoutBps: 2000,
      versionRows: true,
    });
    const held = keyInArm(config, "holdout", "h");
    const v2 = keyInArm(config, "vt2", "b");
    const results = await ingest(
      exposure(held, "holdout"),
      exposure(v2, "vt2"),
      exposure(keyInArm(config, "holdout", "x"), "vt1"),
      exposure(keyInArm(config, "vt1", "y"), "holdout"),
    );
    expect(results.map((r) => (r.status === "rejected" ? r.reason : r.status))).toEqual([
      "accepted",
      "accepted",
      "arm: does not match the assignment for this journey",
      "arm: does not match the assignment for this journey",
    ]);
    expect(
      (await prisma.experimentExposure.findMany({ where: { shopId }, orderBy: { journeyKey: "asc" } })).map((x) => [
        x.journeyKey,
        x.arm,
      ]),
    ).toEqual(
      [
        [v2, "vt2"],
        [held, "holdout"],
      ].sort(),
    );
  });

  test("GIVEN a published payload carrying the version WHEN exposures arrive THEN the arm is checked against its weights, not the version row's shares", async () => {
    // The version row says 1:1; what buyers were served (the payload) gives vt2 no weight.
    const rows = await seedExperiment(prisma, shopId, {
      id: "exp-t",
      offerId: "offer-t",
      variants: ["vt1", "vt2"],
      holdoutBps: 2000,
      versionRows: true,
    });
    const published = {
      ...rows,
      variants: [
        { id: "vt1", weight: 1 },
        { id: "vt2", weight: 0 },
      ],
      version: 1,
    };
    const offer: Offer = {
      id: "offer-t",
      status: "active",
      type: "product",
      moments: ["checkout"],
      priority: 1,
      items: [
        {
          productId: "gid://shopify/Product/1",
          variantId: "gid://shopify/ProductVariant/11",
          quantity: 1,
          prices: { USD: 1500 },
        },
      ],
      copy: { en: { title: "Add it" } },
      experiment: published,
    };
    const payload = encodePayload([offer], { journeyCap: 3, defaultLocale: "en" }, NOW.getTime());
    await prisma.publication.create({
      data: { shopId, payload, bytes: payload.length, offerCount: 1, publishedAt: NOW },
    });
    // A key the 1:1 shares would put in vt2 is vt1 under the published weights.
    const key = keyInArm(rows, "vt2", "k");
    expect(armOf(published, key)).toBe("vt1");
    const results = await ingest(exposure(key, "vt1"), exposure(keyInArm(rows, "vt2", "m"), "vt2"));
    expect(results.map((r) => (r.status === "rejected" ? r.reason : r.status))).toEqual([
      "accepted",
      "arm: does not match the assignment for this journey",
    ]);
  });

  test("GIVEN a version with neither a row nor a published spec WHEN an exposure arrives THEN its arm is not checked (nothing to check it against)", async () => {
    const config = await seedExperiment(prisma, shopId, {
      id: "exp-t",
      offerId: "offer-t",
      variants: ["vt1"],
      holdoutBps: 5000,
    });
    const results = await ingest(exposure(keyInArm(config, "vt1", "a"), "holdout"));
    expect(results[0]).toMatchObject({ status: "accepted" });
  });
});

describe("the cart covariate", () => {
  test("GIVEN an exposure with a cart far beyond any order WHEN ingested THEN the covariate and the stored event are capped", async () => {
    await seedExperiment(prisma, shopId, { id: "exp-t", offerId: "offer-t", variants: ["vt1"] });
    await ingest(exposure("j-1", "holdout", { cartMinor: 1e11 }));
    expect(numbers(await prisma.experimentExposure.findFirst({ where: { shopId } }))).toMatchObject({
      cartMinor: CART_CAP_MINOR,
    });
    expect(await prisma.experimentDaily.findFirst({ where: { shopId } })).toMatchObject({
      covariateN: 1,
      covariateSum: CART_CAP_MINOR,
      covariateSq: CART_CAP_MINOR ** 2,
    });
    expect(await prisma.event.findFirst({ where: { shopId } })).toMatchObject({ cartMinor: CART_CAP_MINOR });
  });

  test("GIVEN an exposure without a cart WHEN ingested THEN it is a visitor with covariate 0, so every visitor has a covariate", async () => {
    await seedExperiment(prisma, shopId, { id: "exp-t", offerId: "offer-t", variants: ["vt1"] });
    await ingest(exposure("j-1", "holdout", { cartMinor: 4000 }), exposure("j-2", "holdout"));
    expect(numbers(await prisma.experimentDaily.findFirst({ where: { shopId } }))).toMatchObject({
      visitors: 2,
      covariateN: 2,
      covariateSum: 4000,
      covariateSq: 4000 * 4000,
    });
  });
});

describe("reading the shop's configuration", () => {
  test("GIVEN a configuration not yet remembered WHEN ten batches of exposures are checked at once THEN it is read once, and each exposure is judged on it", async () => {
    const config = await seedExperiment(prisma, shopId, {
      id: "exp-t",
      offerId: "offer-t",
      variants: ["vt1"],
      holdoutBps: 5000,
      versionRows: true,
    });
    let reads = 0;
    // A client of its own: nothing remembered for it yet, as after the 10 s an entry lives.
    const counting = prisma.$extends({
      query: {
        experiment: {
          findMany({ args, query }) {
            reads++;
            return query(args);
          },
        },
      },
    }) as unknown as typeof prisma;
    const batches = Array.from({ length: 10 }, (_, i) => {
      const key = keyInArm(config, i % 2 ? "holdout" : "vt1", `c${i}`);
      // Every third batch claims the wrong arm: refused on the shared read like any other.
      const claimed = i % 3 === 0 ? (armOf(config, key) === "holdout" ? "vt1" : "holdout") : armOf(config, key);
      const event = exposure(key, claimed) as unknown as EventInput;
      return [{ index: 0, event, occurredAt: NOW }];
    });
    const verdicts = await Promise.all(batches.map((b) => verifyExposures(counting, shopId, b)));
    expect(reads).toBe(1);
    verdicts.forEach((problems, i) =>
      expect(problems.get(0) ?? null).toBe(i % 3 === 0 ? "arm: does not match the assignment for this journey" : null),
    );
  });
});
