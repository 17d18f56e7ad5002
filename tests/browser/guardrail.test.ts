/**
 * The completion guardrail in the admin (issue 16, decision 031), in Chromium on the demo server:
 * the demo traffic generator walks buyers through the real endpoints with the planted harmful
 * offer (`harmfulDemoTruth`: the drill insurance's treated buyers complete the checkout 60 points
 * less often), the daily job runs, and the paused offer's page and the experiments page show the
 * evidence, in English and in German. Screenshots: tests/.output/<slot>/screenshots/guardrail-*.png.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Shop } from "@prisma/client";
import { demoAdminInChromium } from "../support/browser";
import { demoPayload, runTraffic } from "~/demo/traffic.server";
import { harmfulDemoTruth, HARMFUL_DEMO_EXPERIMENT } from "~/demo/traffic-model";
import { getPublishedPayload } from "~/publish/publish.server";
import { completionDays, runShopGuardrail } from "~/guardrail/guardrail.server";
import { completionGuardrail } from "@moments/stats";
import { demoGateway } from "~/gateway/demo.server";

const session = demoAdminInChromium("guardrail-walk");
const SHOP = "moments-demo.myshopify.com";
let shop: Shop;
let offerId = "";
let paused: string[] = [];

beforeAll(async () => {
  const prisma = session.db.prisma;
  shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  const now = Date.now();
  const report = await runTraffic({
    baseUrl: session.server.url,
    shopDomain: SHOP,
    apiKey: "demo-api-key",
    secret: "demo-api-secret",
    payload: (await getPublishedPayload(prisma, shop.id)) ?? demoPayload(now),
    visitors: 3000,
    seed: 31,
    days: 5,
    now,
    concurrency: 16,
    // 60 points: at 40 the 98% always-valid interval's upper bound ranged from -14.6 to +0.6 points
    // over the CI runs (the traffic is concurrent, so runs vary despite the seed, and so does how
    // many buyers reach checkout in each arm: 120 to 273, and no more with 6,000 buyers), and at
    // +0.6 the offer, rightly for that evidence, stayed live; at 50 the bound still came to -2.3.
    truth: harmfulDemoTruth(60),
  });
  const experiment = await prisma.experiment.findFirstOrThrow({
    where: { shopId: shop.id, id: { startsWith: HARMFUL_DEMO_EXPERIMENT } },
  });
  offerId = experiment.offerId;
  const r = await runShopGuardrail(prisma, shop, {
    gateway: demoGateway(prisma, shop.id),
    transport: null,
    now: new Date(now + 2 * 3600_000),
  });
  paused = r.paused;
  // What the job saw, for the run's log (and for a failure's diagnosis).
  const days = await completionDays(prisma, shop.id, experiment.id, experiment.version, new Date(now + 2 * 3600_000));
  console.log(
    `traffic: ${report.events.accepted} events accepted, ${report.events.rejected} rejected, ${report.orders} orders, problems: ${[...report.problems, ...report.webhookFailures].slice(0, 5).join(" | ") || "none"}; guardrail: ${completionGuardrail({ days }).reason}`,
  );
}, 900_000);

describe("the completion guardrail in the admin (Chromium, demo mode)", () => {
  it("GIVEN demo traffic with the planted harmful offer WHEN the daily job ran THEN that offer (and only it) is paused", () => {
    expect(paused).toEqual([offerId]);
  });

  it("GIVEN the paused offer WHEN its page opens THEN a banner shows the completion evidence and that the shop's email is unknown", async () => {
    await session.page.goto(`${session.server.url}/app/offers/${offerId}`);
    const banner = session.page.locator(".Polaris-Banner", { hasText: "Paused by the checkout guardrail" });
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toMatch(
      /Completion with the offer: \d+\.\d% \(\d+ of \d+ checkouts\); hold-out: \d+\.\d% \(\d+ of \d+\)/,
    );
    expect(text).toMatch(/98% always-valid interval -\d+\.\d to -\d+\.\d points/);
    expect(text).toContain("we do not know your store's email address");
    await session.shot("guardrail-offer-paused");
  });

  it("GIVEN the paused offer WHEN the experiments page opens THEN its card carries the same evidence", async () => {
    await session.page.goto(`${session.server.url}/app/experiments`);
    const banner = session.page.locator(".Polaris-Banner", { hasText: "Paused by the checkout guardrail" });
    await banner.waitFor();
    expect(await banner.innerText()).toContain("Completion with the offer");
    await session.shot("guardrail-experiments");
  });

  it("GIVEN the admin in German WHEN the paused offer's page opens THEN the banner and its evidence are German", async () => {
    await session.page.goto(`${session.server.url}/app/offers/${offerId}?locale=de`);
    const banner = session.page.locator(".Polaris-Banner", { hasText: "Vom Checkout-Schutz pausiert" });
    await banner.waitFor();
    expect(await banner.innerText()).toContain("Abschlussrate mit dem Angebot");
    await session.shot("guardrail-offer-paused-de");
  });
});
