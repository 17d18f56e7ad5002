/**
 * Automatic allocation on /app/experiments in Chromium (decision 030): demo traffic over five days
 * through the built demo server's real endpoints, then `npm run demo:traffic`'s allocation step
 * (the daily job, from the completed days), then the page: the laptop plan experiment shows its
 * current weights and the "Weights moved" history, and the report says which comparisons hold.
 */
import { describe, expect, it } from "vitest";
import { demoAdminInChromium, screenshotPath } from "../support/browser";
import { runDemoAllocation } from "~/demo/traffic-allocation.server";
import { demoPayload, runTraffic } from "~/demo/traffic.server";
import { getPublishedPayload } from "~/publish/publish.server";

const session = demoAdminInChromium("allocation-walk");
const SHOP = "moments-demo.myshopify.com";

describe("automatic allocation in the admin (Chromium, demo mode)", () => {
  it("GIVEN five days of demo traffic and the allocation job run after it WHEN /app/experiments opens THEN the laptop plan experiment shows automatic allocation, its current split and the weights moved, with the hold-out unchanged", async () => {
    const prisma = session.db.prisma;
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const now = Date.now();
    await runTraffic({
      baseUrl: session.server.url,
      shopDomain: SHOP,
      apiKey: "demo-api-key",
      secret: "demo-api-secret",
      payload: (await getPublishedPayload(prisma, shop.id)) ?? demoPayload(now),
      visitors: 1500,
      seed: 7,
      days: 5,
      now,
      concurrency: 16,
      outbox: async () => [],
    });
    const lines: string[] = [];
    const moved = await runDemoAllocation(prisma, new Date(now), (l) => lines.push(l));
    expect(moved).not.toBeNull();
    const full = Object.keys(moved!.after).find((id) => id.startsWith("full-"))!;
    const discounted = Object.keys(moved!.after).find((id) => id.startsWith("minus15-"))!;
    // The weights moved (which way is up to the data: revenue per visitor holds the whole order, of
    // which the plan is a small part, so a few hundred buyers per arm do not settle it), the hold-out's
    // share did not: the variants still share exactly what they shared before.
    expect(moved!.after[full]).not.toBe(moved!.before[full]);
    expect(moved!.after[full]! + moved!.after[discounted]!).toBe(moved!.before[full]! + moved!.before[discounted]!);

    await session.page.goto(`${session.server.url}/app/experiments`);
    const card = session.page.locator(".Polaris-ShadowBevel", { hasText: "Care+ for the laptop" }).first();
    await card.getByText("Weights moved").waitFor();
    await card.scrollIntoViewIfNeeded();
    await session.shot("experiments-weights-moved");
    await card.screenshot({ path: screenshotPath("experiments-weights-moved-card") });

    expect(await card.getByText("Automatic allocation", { exact: true }).isVisible()).toBe(true);
    const history = await card
      .locator("table")
      .first()
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())),
      );
    expect(history.map((r) => r[0])).toEqual([new Date(now).toISOString().slice(0, 10), "configured"]);
    const shown = history[0]!.slice(2).map((cell) => Number(cell.replace(/[^\d.]/g, "")));
    // The page shows one decimal: within half of it of the weights (23.65% may read "23.7%").
    const offBy = (cell: number, bps: number) => Math.abs(cell - bps / 100);
    expect(offBy(shown[0]!, moved!.after[full]!)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(offBy(shown[1]!, moved!.after[discounted]!)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(await card.getByText(/all variants pooled against the hold-out is a valid comparison/).isVisible()).toBe(
      true,
    );
  }, 600_000);

  it("GIVEN the laptop plan experiment on automatic allocation WHEN its offer opens in the editor in German THEN the experiment card offers the choice, on automatic, with its help", async () => {
    const prisma = session.db.prisma;
    const x = await prisma.experiment.findFirstOrThrow({ where: { id: { startsWith: "demo-laptop-care-price-" } } });
    await session.page.goto(`${session.server.url}/app/offers/${x.offerId}?locale=de`);
    const select = session.page.getByLabel("Aufteilung zwischen den Varianten");
    await select.waitFor();
    expect(await select.inputValue()).toBe(x.allocation);
    const card = session.page.locator(".Polaris-ShadowBevel", { has: select }).first();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: screenshotPath("editor-allocation-de") });
    expect(await card.getByText(/Der Anteil der Holdout-Gruppe bleibt fest/).isVisible()).toBe(true);
  });
});
