/**
 * /app/experiments and /app/dashboard in Chromium on the demo server, for one experiment with
 * seeded roll-ups: both pages show the same visitors, revenue per visitor, incremental RPV
 * interval and verdict (one data function feeds both), and promotion asks first.
 */
import { describe, expect, it } from "vitest";
import { demoAdminInChromium } from "../support/browser";
import { seedArmDays } from "../support/experiment-rollups";
import { parseShares } from "~/offers/versions";

const session = demoAdminInChromium("experiments-walk");

const daysAgo = (n: number) => new Date(Date.now() - n * 86400_000).toISOString().slice(0, 10);
let offerName = "";

/** The results table of the card titled `title`, as text rows. */
async function resultRows(cardText: string | RegExp) {
  const card = session.page
    .locator(".Polaris-ShadowBevel", { hasText: cardText })
    .filter({ has: session.page.locator("table") })
    .first();
  await card.locator("table").first().waitFor();
  return card
    .locator("table")
    .first()
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())));
}

describe("experiment results in the admin (Chromium, demo mode)", () => {
  it("GIVEN an experiment with 45 days of results, most of them older than the dashboard's default 30 days WHEN both pages open THEN they show the same visitors, RPV, incremental RPV interval and verdict", async () => {
    await session.page.goto(`${session.server.url}/app/experiments`);
    await session.page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
    const prisma = session.db.prisma;
    const experiment = await prisma.experiment.findFirstOrThrow({
      where: { status: "running", offer: { name: "Tool case with the drill" } },
      include: { offer: { include: { variants: { orderBy: { createdAt: "asc" } } } } },
    });
    offerName = experiment.offer.name;
    const version = await prisma.experimentVersion.findFirstOrThrow({
      where: { experimentId: experiment.id, version: experiment.version },
    });
    const shares = parseShares(version.shares)!;
    const base = {
      shopId: experiment.shopId,
      experimentId: experiment.id,
      offerId: experiment.offerId,
      version: version.version,
      firstDay: daysAgo(45),
      days: 45,
      orderMinor: 6000,
    };
    let seed = 1;
    for (const [arm, share] of Object.entries(shares)) {
      const winner = arm === experiment.offer.variants[0]!.id;
      await seedArmDays(prisma, {
        ...base,
        arm,
        visitorsPerDay: Math.round(3000 * share),
        conversion: winner ? 0.12 : 0.04,
        seed: seed++,
      });
    }

    await session.page.goto(`${session.server.url}/app/dashboard`);
    const onDashboard = await resultRows(`Experiment on ${offerName}`);
    await session.shot("experiments-dashboard");
    await session.page.goto(`${session.server.url}/app/experiments`);
    const onExperiments = await resultRows(offerName);
    await session.shot("experiments-page");

    expect(onExperiments).toEqual(onDashboard);
    const winnerName = experiment.offer.variants[0]!.name;
    const winnerRow = onExperiments.find((r) => r[0] === winnerName)!;
    const holdout = onExperiments.find((r) => r[0] === "Hold-out")!;
    expect(Number(holdout[1]!.replace(/,/g, ""))).toBe(45 * Math.round(3000 * shares.holdout!));
    expect(winnerRow[6]).toMatch(/^\S+ \(\S+ to \S+\)$/);
    expect(winnerRow[7]).toBe("Winner");
    expect(winnerRow[8]).toMatch(/^decided on day \d+$/);
  });

  it("GIVEN a winner WHEN the merchant clicks Promote THEN a modal names the evidence, and confirming promotes the variant", async () => {
    const card = session.page.locator(".Polaris-ShadowBevel", { hasText: offerName }).first();
    const button = card.getByRole("button", { name: /^Promote / });
    await button.click();
    const dialog = session.page.getByRole("dialog");
    await dialog.getByText(/Incremental revenue per visitor vs hold-out \(version \d+\): \S+ \(/).waitFor();
    await dialog.getByText(/^Visitors per arm: Hold-out: [\d,]+/).waitFor();
    await dialog.getByText(/^Why it is a winner: /).waitFor();
    await session.shot("experiments-promote-modal");
    await dialog.getByRole("button", { name: /^Promote / }).click();
    await card.getByText("stopped", { exact: true }).waitFor();
    const experiment = await session.db.prisma.experiment.findFirstOrThrow({ where: { offer: { name: offerName } } });
    expect(experiment.status).toBe("stopped");
    expect(experiment.winnerArmId).not.toBeNull();
  });
});
