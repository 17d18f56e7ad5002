/**
 * Experiment versions, whole-life verdicts, promotion and archiving, in-process on a real SQLite
 * database with the demo store as the gateway (the same modules the admin routes call).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { decodePayload } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { loadOfferForm, runExperimentCommand, saveOfferForm } from "~/offers/offers.server";
import { experimentReports } from "~/experiments/report.server";
import { promoteWinner } from "~/experiments/promote.server";
import { dashboardData, filtersFromUrl } from "~/measurement/dashboard.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { seedArmDays } from "./support/experiment-rollups";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: Awaited<ReturnType<ShopGateway["searchProducts"]>>;

beforeAll(async () => {
  db = freshDatabase("experiments");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

function experimentForm(name: string): OfferForm {
  const p = catalog.find((x) => x.title.includes("Storage Case"))!;
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = name;
  form.type = "product";
  form.items = [{ productId: p.id, variantId: p.variants[0]!.id, quantity: "1", title: p.title }];
  form.copy.en!.title = "Add a case";
  form.experiment = {
    enabled: true,
    holdoutPct: "10",
    variants: [
      { id: "", name: "Plain", weight: "1", title: "", body: "", discountPercent: "", design: "" },
      { id: "", name: "Ten off", weight: "1", title: "10% off today", body: "", discountPercent: "10", design: "" },
    ],
  };
  return form;
}

async function createExperiment(name: string) {
  const saved = await saveOfferForm(db.prisma, shop, gateway, null, experimentForm(name));
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { offerId: saved.id } });
  const variants = await db.prisma.offerVariant.findMany({
    where: { offerId: saved.id },
    orderBy: { createdAt: "asc" },
  });
  return { offerId: saved.id, experiment, variants };
}

const published = async () => {
  const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
  const decoded = decodePayload(row.payload);
  if (!decoded.ok) throw new Error("payload does not decode");
  return decoded.payload;
};

const DAY_MS = 86400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);

describe("experiment versions", () => {
  it("GIVEN a new experiment WHEN saved THEN version 1 exists with its configured shares and is published", async () => {
    const { offerId, experiment, variants } = await createExperiment("Versions v1");
    const v1 = await db.prisma.experimentVersion.findMany({ where: { experimentId: experiment.id } });
    expect(v1).toHaveLength(1);
    expect(v1[0]).toMatchObject({ version: 1, endedAt: null, holdoutBps: 1000 });
    expect(JSON.parse(v1[0]!.shares)).toEqual({ holdout: 0.1, [variants[0]!.id]: 0.45, [variants[1]!.id]: 0.45 });
    expect((await published()).offers.find((o) => o.id === offerId)!.experiment!.version).toBe(1);
  });

  it("GIVEN a running experiment with data WHEN the hold-out share changes THEN version 2 starts, is published, and version-1 results stay apart", async () => {
    const { offerId, experiment, variants } = await createExperiment("Versions holdout");
    const base = {
      shopId: shop.id,
      experimentId: experiment.id,
      offerId,
      days: 10,
      conversion: 0.05,
      orderMinor: 5000,
      firstDay: daysAgo(20),
    };
    await seedArmDays(db.prisma, { ...base, version: 1, arm: "holdout", visitorsPerDay: 20, seed: 1 });
    await seedArmDays(db.prisma, { ...base, version: 1, arm: variants[0]!.id, visitorsPerDay: 90, seed: 2 });

    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    form!.experiment.holdoutPct = "20";
    const saved = await saveOfferForm(db.prisma, shop, gateway, offerId, form!);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect(saved.versionStarted).toMatchObject({ experimentId: experiment.id, version: 2, previous: 1 });
    expect(saved.versionStarted!.reason).toContain("hold-out share 10% → 20%");

    const versions = await db.prisma.experimentVersion.findMany({
      where: { experimentId: experiment.id },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => [v.version, v.endedAt !== null, v.holdoutBps])).toEqual([
      [1, true, 1000],
      [2, false, 2000],
    ]);
    expect(JSON.parse(versions[1]!.shares).holdout).toBe(0.2);
    expect((await db.prisma.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).version).toBe(2);
    expect((await published()).offers.find((o) => o.id === offerId)!.experiment).toMatchObject({
      holdoutBps: 2000,
      version: 2,
    });

    await seedArmDays(db.prisma, {
      ...base,
      firstDay: daysAgo(5),
      days: 5,
      version: 2,
      arm: "holdout",
      visitorsPerDay: 40,
      seed: 3,
    });
    const [report] = await experimentReports(db.prisma, shop.id, {
      experimentIds: [experiment.id],
      includeWithoutData: true,
    });
    const byVersion = Object.fromEntries(report!.versions.map((v) => [v.version, v]));
    expect(report!.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(byVersion[1]!.arms.find((a) => a.arm === "holdout")!.visitors).toBe(200);
    expect(byVersion[2]!.arms.find((a) => a.arm === "holdout")!.visitors).toBe(200);
    expect(byVersion[1]!.days).toBe(10);
    expect(byVersion[2]!.days).toBe(5);
    expect(byVersion[2]!.arms.find((a) => a.arm === "holdout")!.expectedShare).toBeCloseTo(0.2);
  });

  it("GIVEN a running experiment WHEN only the offer's admin name changes THEN no version starts", async () => {
    const { offerId, experiment } = await createExperiment("Versions rename");
    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    form!.name = "Versions renamed";
    const saved = await saveOfferForm(db.prisma, shop, gateway, offerId, form!);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect(saved.versionStarted).toBeNull();
    expect(await db.prisma.experimentVersion.count({ where: { experimentId: experiment.id } })).toBe(1);
    expect((await db.prisma.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).version).toBe(1);
  });

  it("GIVEN an experiment from before versions (no version row) WHEN its price changes while running THEN its data stays version 1 and version 2 starts", async () => {
    const { offerId, experiment } = await createExperiment("Versions legacy");
    await db.prisma.experimentVersion.deleteMany({ where: { experimentId: experiment.id } });
    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    form!.experiment.variants[1]!.discountPercent = "20";
    const saved = await saveOfferForm(db.prisma, shop, gateway, offerId, form!);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect(saved.versionStarted).toMatchObject({ version: 2, previous: 1 });
    const versions = await db.prisma.experimentVersion.findMany({
      where: { experimentId: experiment.id },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => [v.version, v.endedAt !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});

describe("whole-life verdicts", () => {
  it("GIVEN an experiment whose data is all older than 30 days WHEN the dashboard opens in its default view THEN the verdict and interval equal those over an explicit full range", async () => {
    const { offerId, experiment, variants } = await createExperiment("Old winner");
    const base = {
      shopId: shop.id,
      experimentId: experiment.id,
      offerId,
      version: 1,
      days: 40,
      orderMinor: 5000,
      firstDay: daysAgo(80),
    };
    await seedArmDays(db.prisma, { ...base, arm: "holdout", visitorsPerDay: 60, conversion: 0.04, seed: 11 });
    await seedArmDays(db.prisma, { ...base, arm: variants[0]!.id, visitorsPerDay: 270, conversion: 0.12, seed: 12 });
    await seedArmDays(db.prisma, { ...base, arm: variants[1]!.id, visitorsPerDay: 270, conversion: 0.04, seed: 13 });

    const defaults = filtersFromUrl(new URL("https://moments.test/app/dashboard"));
    expect(defaults.from > daysAgo(40)).toBe(true);
    const inDefault = (await dashboardData(db.prisma, shop.id, defaults)).experiments.find(
      (e) => e.experimentId === experiment.id,
    )!;
    const inFull = (await dashboardData(db.prisma, shop.id, { from: daysAgo(90), to: daysAgo(0) })).experiments.find(
      (e) => e.experimentId === experiment.id,
    )!;
    const compare = (e: typeof inDefault) => e.versions[0]!.comparisons.find((c) => c.arm === variants[0]!.id)!;
    expect(compare(inDefault).verdict!.kind).toBe("winner");
    expect(compare(inDefault).verdict).toEqual(compare(inFull).verdict);
    expect(compare(inDefault).incrementalRpv).toEqual(compare(inFull).incrementalRpv);
    expect(inDefault.versions[0]!.arms.find((a) => a.arm === "holdout")!.visitors).toBe(2400);
  });

  it("GIVEN a device filter WHEN the dashboard reports that segment THEN alpha is divided by variants times the device views", async () => {
    const d = await dashboardData(db.prisma, shop.id, { from: daysAgo(90), to: daysAgo(0), device: "mobile" });
    const e = d.experiments.find((x) => x.offerName === "Old winner")!;
    expect(e.versions[0]!.comparisonsCounted).toBe(2 * 2);
    expect(e.versions[0]!.comparisons[0]!.verdict!.alphaUsed).toBeCloseTo(0.05 / 4);
  });
});

describe("promote and archive", () => {
  it("GIVEN a variant without a winner verdict WHEN promoted THEN it is refused with a reason and the offer is unchanged", async () => {
    const { offerId, experiment, variants } = await createExperiment("No winner");
    const before = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    const result = await promoteWinner(db.prisma, shop, gateway, experiment.id, variants[1]!.id);
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^Ten off was not promoted: in version 1, it has no results yet/),
    });
    expect(await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).toEqual(before);
    expect((await db.prisma.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).status).toBe("running");
  });

  it("GIVEN a variant with a winner verdict WHEN promoted THEN the experiment stops with it as the winner", async () => {
    const e = (await db.prisma.experiment.findMany({ include: { offer: true } })).find(
      (x) => x.offer.name === "Old winner",
    )!;
    const variants = await db.prisma.offerVariant.findMany({
      where: { offerId: e.offerId },
      orderBy: { createdAt: "asc" },
    });
    expect(await promoteWinner(db.prisma, shop, gateway, e.id, variants[0]!.id)).toEqual({ ok: true });
    expect(await db.prisma.experiment.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({
      status: "stopped",
      winnerArmId: variants[0]!.id,
    });
  });

  it("GIVEN a running experiment WHEN archived THEN it is archived, its version ends, it is not published, and it cannot restart", async () => {
    const { offerId, experiment } = await createExperiment("To archive");
    const result = await runExperimentCommand(db.prisma, shop, gateway, experiment.id, { kind: "archive" });
    expect(result.ok).toBe(true);
    const row = await db.prisma.experiment.findUniqueOrThrow({ where: { id: experiment.id } });
    expect(row.status).toBe("archived");
    expect(row.archivedAt).not.toBeNull();
    expect(
      (await db.prisma.experimentVersion.findFirstOrThrow({ where: { experimentId: experiment.id } })).endedAt,
    ).not.toBeNull();
    expect((await published()).offers.find((o) => o.id === offerId)!.experiment).toBeUndefined();
    expect(await runExperimentCommand(db.prisma, shop, gateway, experiment.id, { kind: "start" })).toMatchObject({
      ok: false,
    });
    const [report] = await experimentReports(db.prisma, shop.id, {
      experimentIds: [experiment.id],
      includeWithoutData: true,
    });
    expect(report!.archived).toBe(true);
  });
});
