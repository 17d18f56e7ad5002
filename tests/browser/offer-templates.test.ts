/**
 * The playbook gallery in Chromium (demo mode, 1280 px): reached from the offers page, a product
 * changed on a card reprices it, "Use template" lands in the editor on the new draft with its
 * hold-out experiment, which starts when the offer is activated. Screenshots: templates-gallery.png, templates-draft-editor.png.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { demoAdminInChromium } from "../support/browser";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const session = demoAdminInChromium("offer-templates");
/** axe-core's serious and critical violations on the current page, as "rule at target" lines. */
async function seriousViolations(): Promise<string[]> {
  await session.page.addScriptTag({ path: AXE });
  return session.page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: Array<{ target: string[] }> };
    const axe = (window as unknown as { axe: { run: (d: Document) => Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** A loaded machine (other suites beside this one) can take seconds to hydrate or answer. */
const SLOW = { timeout: 10_000 };
const demoShop = () => session.db.prisma.shop.findUniqueOrThrow({ where: { domain: "moments-demo.myshopify.com" } });

describe("the playbook gallery, in Chromium (demo mode)", () => {
  it("GIVEN the offers page WHEN the merchant starts from a template THEN the gallery shows the templates by moment, each with what buyers see and its price", async () => {
    const { page, server } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    // The empty state offers the playbook too.
    await page.goto(`${server.url}/app/offers?status=archived`);
    await page.getByText("No offers here yet").waitFor();
    await expect.poll(() => page.getByRole("link", { name: "Start from a template" }).count(), SLOW).toBe(2);
    await page.goto(`${server.url}/app/offers`);
    await page.getByRole("link", { name: "Start from a template" }).first().click();
    await page.getByRole("heading", { name: "Start from the playbook" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/offers/templates");
    for (const moment of [
      "Exit intent",
      "Checkout: before payment",
      "Contact / address form",
      "Shipping step",
      "Payment step",
      "Post-purchase page",
    ])
      await page.getByRole("heading", { name: moment, exact: true, level: 2 }).waitFor();
    expect(await page.getByRole("button", { name: /^Use template: / }).count()).toBe(8);
    // The price buyers see, in the shop's currency and in the other one.
    const plan = page.getByTestId("template-preview-payment-protection-plan");
    await expect.poll(() => plan.getByTestId("preview-final-price").textContent(), SLOW).toBe("€149.00");
    await page.getByText("Buyers paying in USD see $159.00.").waitFor();
    await expect
      .poll(() => page.getByTestId("template-preview-exit-intent-bundle").getByText("No thanks").count(), SLOW)
      .toBe(1);
    // Nothing wider than the page at 1280 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(await seriousViolations()).toEqual([]);
    await session.shot("templates-gallery");
  });

  it("GIVEN a card WHEN the merchant picks another product THEN the card is priced again from the catalog", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Change Accessory" }).click();
    await page.getByLabel("Search products for Accessory").fill("storage");
    await page.getByRole("button", { name: "Pick Stackable Tool Storage Case - Default" }).click();
    const card = page.getByTestId("template-preview-post-purchase-accessory");
    // EUR 39.00 - 15% = 33.15; USD 42.00 - 15% = 35.70.
    await expect.poll(() => card.getByTestId("preview-final-price").textContent(), SLOW).toBe("€33.15");
    await page.getByText("Buyers paying in USD see $35.70 instead of $42.00.").waitFor();
  });

  it("GIVEN the first-time buyer template WHEN used THEN the editor opens the new draft with its 10% hold-out and its price, and the shop has one draft offer and one draft experiment more", async () => {
    const { page, db } = session;
    const shop = await demoShop();
    const offersBefore = await db.prisma.offer.count({ where: { shopId: shop.id } });
    const experimentsBefore = await db.prisma.experiment.count({ where: { shopId: shop.id } });
    await page.getByRole("button", { name: "Use template: First-time buyer intro bundle" }).click();
    await page.waitForURL(/\/app\/offers\/off_[a-z0-9]+\?template=first-time-intro-bundle$/);
    await page.getByText("Draft created from the template “First-time buyer intro bundle”").waitFor();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("First-time buyer intro bundle");
    expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("draft");
    expect(await page.getByLabel("Buyers").inputValue()).toBe("first_time");
    expect(await page.getByLabel("Hold-out share (%)").inputValue()).toBe("10");
    expect(await page.getByLabel("Decline link (en)").inputValue()).toBe("No thanks");
    // The live preview shows the offer and its price: (EUR 99.00 + 19.00) - 20%.
    await expect.poll(() => page.getByTestId("preview-final-price").textContent(), SLOW).toBe("€94.40");

    const id = new URL(page.url()).pathname.split("/").pop()!;
    const offer = await db.prisma.offer.findFirstOrThrow({
      where: { id, shopId: shop.id },
      include: { experiments: true },
    });
    expect([offer.status, offer.experiments.map((e) => [e.status, e.holdoutBps])]).toEqual([
      "draft",
      [["draft", 1000]],
    ]);
    expect(await db.prisma.offer.count({ where: { shopId: shop.id } })).toBe(offersBefore + 1);
    expect(await db.prisma.experiment.count({ where: { shopId: shop.id } })).toBe(experimentsBefore + 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await session.shot("templates-draft-editor");

    // The experiments page lists the waiting experiment as a draft.
    const experiments = await page.goto(`${session.server.url}/app/experiments`);
    expect(experiments?.status()).toBe(200);
    await page.getByRole("link", { name: "First-time buyer intro bundle" }).waitFor();
    await page.goto(`${session.server.url}/app/offers/${id}`);
    // Activated, the offer goes live and its experiment starts (version 1).
    await page.getByRole("button", { name: "Activate offer" }).click();
    await page.getByRole("button", { name: "Pause offer" }).waitFor();
    const live = await db.prisma.experiment.findFirstOrThrow({ where: { shopId: shop.id, offerId: id } });
    expect(live.status).toBe("running");
    expect(await db.prisma.experimentVersion.count({ where: { shopId: shop.id, experimentId: live.id } })).toBe(1);
  });
});
