/**
 * A paused offer's experiment (issue 15): the admin shows it paused, buyers are neither shown the
 * offer nor held out, and resuming the offer resumes the experiment in the same version unless what
 * buyers see changed meanwhile. In-process on a real SQLite database with the demo store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { decodePayload } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import type { ShopGateway } from "~/gateway/types";
import { emptyOfferForm, type OfferForm } from "~/offers/form";
import { loadOfferForm, saveOfferForm, setOffersStatus } from "~/offers/offers.server";
import { experimentReports } from "~/experiments/report.server";
import { experimentStatusView } from "~/experiments/status";
import { freshDatabase, type TestDatabase } from "./support/db";

let db: TestDatabase;
let shop: Shop;
let gateway: ShopGateway;
let catalog: Awaited<ReturnType<ShopGateway["searchProducts"]>>;

beforeAll(async () => {
  db = freshDatabase("experiment-paused");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 5, days: 2, ordersPerDay: 1 });
  shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  gateway = demoGateway(db.prisma, shop.id);
  catalog = await gateway.searchProducts("", 50);
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});

function experimentForm(name: string, status: OfferForm["status"] = "active"): OfferForm {
  const p = catalog.find((x) => x.title.includes("Storage Case"))!;
  const form = emptyOfferForm(["EUR", "USD"]);
  form.name = name;
  form.status = status;
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

async function save(id: string | null, form: OfferForm) {
  const saved = await saveOfferForm(db.prisma, shop, gateway, id, form);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return saved;
}

/** What the admin's pages read: the experiment row, its versions, its report and the payload. */
async function state(offerId: string) {
  const offer = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
  const experiment = await db.prisma.experiment.findFirstOrThrow({ where: { offerId } });
  const versions = await db.prisma.experimentVersion.findMany({
    where: { experimentId: experiment.id },
    orderBy: { version: "asc" },
  });
  const report = (await experimentReports(db.prisma, shop.id, { includeWithoutData: true })).find(
    (r) => r.experimentId === experiment.id,
  )!;
  const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId: shop.id } });
  const decoded = decodePayload(row.payload);
  if (!decoded.ok) throw new Error("payload does not decode");
  return {
    offer,
    experiment,
    versions: versions.map((v) => [v.version, v.endedAt === null]),
    shown: experimentStatusView(report.status, report.offerStatus).status,
    published: decoded.payload.offers.find((o) => o.id === offerId) ?? null,
  };
}

describe("pausing and resuming an offer with a running experiment", () => {
  let offerId = "";
  let startedAt: Date | null = null;

  it("GIVEN a live offer with an experiment THEN the experiment shows running, version 1, published", async () => {
    offerId = (await save(null, experimentForm("Paused experiment"))).id;
    const s = await state(offerId);
    startedAt = s.experiment.startedAt;
    expect([s.experiment.status, s.shown, s.versions]).toEqual(["running", "running", [[1, true]]]);
    expect(s.published?.experiment?.version).toBe(1);
  });

  it("WHEN the offer is paused THEN the experiment shows paused and nobody is exposed (the offer is not published)", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "paused");
    const s = await state(offerId);
    expect(s.offer.status).toBe("paused");
    expect(s.shown).toBe("paused");
    // Its own lifecycle is untouched: pausing the offer is not the merchant stopping the experiment.
    expect(s.experiment.status).toBe("running");
    expect(s.published).toBeNull();
    expect(s.versions).toEqual([[1, true]]);
    // The editor says so, the same way.
    const { row } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    const view = experimentStatusView(row.experiments[0]!.status, row.status);
    expect(view).toMatchObject({ status: "paused", tone: "attention" });
    expect(view.note).toMatch(/^Paused because its offer is paused: no buyer sees the offer or is held out\./);
  });

  it("WHEN the offer is resumed THEN the experiment runs again in the same version, from the same start", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "active");
    const s = await state(offerId);
    expect([s.experiment.status, s.shown, s.versions]).toEqual(["running", "running", [[1, true]]]);
    expect(s.experiment.startedAt).toEqual(startedAt);
    expect(s.published?.experiment?.version).toBe(1);
  });

  it("GIVEN the paused offer WHEN its headline changes THEN version 2 starts (what buyers see changed) and it shows paused until resumed", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "paused");
    const { form } = await loadOfferForm(db.prisma, shop, gateway, offerId);
    form!.copy.en!.title = "Add a sturdy case";
    const saved = await save(offerId, form!);
    expect(saved.versionStarted).toMatchObject({ version: 2, previous: 1 });
    let s = await state(offerId);
    expect([s.shown, s.versions]).toEqual([
      "paused",
      [
        [1, false],
        [2, true],
      ],
    ]);
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "active");
    s = await state(offerId);
    expect([s.shown, s.versions, s.published?.experiment?.version]).toEqual([
      "running",
      [
        [1, false],
        [2, true],
      ],
      2,
    ]);
  });

  it("WHEN the offer is archived THEN its experiment shows paused, naming why", async () => {
    await setOffersStatus(db.prisma, shop, gateway, [offerId], "archived");
    const s = await state(offerId);
    expect(s.shown).toBe("paused");
    expect(experimentStatusView(s.experiment.status, s.offer.status).note).toMatch(
      /^Paused because its offer is archived:/,
    );
  });
});

describe("an experiment turned on while its offer is not live", () => {
  it("GIVEN a paused offer saved with a new experiment THEN it waits as a draft and starts, version 1, when the offer is resumed", async () => {
    const saved = await save(null, experimentForm("Paused from the start", "paused"));
    let s = await state(saved.id);
    expect([s.experiment.status, s.experiment.startedAt, s.shown, s.versions]).toEqual(["draft", null, "draft", []]);
    await setOffersStatus(db.prisma, shop, gateway, [saved.id], "active");
    s = await state(saved.id);
    expect([s.experiment.status, s.shown, s.versions]).toEqual(["running", "running", [[1, true]]]);
    expect(s.experiment.startedAt).not.toBeNull();
  });
});

describe("experimentStatusView", () => {
  it.each([
    ["running", "active", "running"],
    ["running", "paused", "paused"],
    ["running", "draft", "paused"],
    ["running", "archived", "paused"],
    ["draft", "draft", "draft"],
    ["draft", "paused", "draft"],
    ["stopped", "paused", "stopped"],
    ["stopped", "active", "stopped"],
    ["archived", "archived", "archived"],
    ["running", null, "running"],
  ])("GIVEN an experiment %s on an offer %s THEN it shows %s", (experiment, offer, shown) => {
    expect(experimentStatusView(experiment, offer).status).toBe(shown);
  });
});
