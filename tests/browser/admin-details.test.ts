/**
 * Issue 15's small admin fixes, walked through in Chromium (demo mode): the live preview's buyer
 * controls (first-time / returning, cart total), every offers-table column at 1280 px, a paused
 * offer's experiment shown paused, and no AbortError around saves while previews are in flight.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { demoAdminInChromium, screenshotPath } from "../support/browser";

const session = demoAdminInChromium("admin-details");
const preview = () => session.page.getByTestId("live-preview");
const previewCard = () => session.page.getByTestId("offer-preview-card");

/** Uncaught errors and console errors of the page, from the start of the file. */
const problems: string[] = [];
beforeAll(() => {
  session.page.on("pageerror", (e) => problems.push(`pageerror ${e.name}: ${e.message}`));
  session.page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error ${m.text()}`);
  });
});

/** The live preview's card alone, at the page's resolution (the full page is tall). */
async function shotPreview(name: string) {
  const card = session.page.locator(".Polaris-ShadowBevel", { has: preview() });
  await card.screenshot({ path: screenshotPath(name) });
}

async function addProduct(search: string, label: string) {
  await session.page.getByLabel("Search products", { exact: true }).fill(search);
  const add = session.page.getByRole("button", { name: `Add ${label}`, exact: true });
  await add.waitFor();
  await add.click();
}

/**
 * Saves the editor and waits for the editor of the page it redirects to (the URL and the banner may
 * read "saved" already): a save remounts the editor, so the marked headline input is gone then.
 */
async function save() {
  const page = session.page;
  await page.getByLabel("Headline (en)").evaluate((input) => input.setAttribute("data-before-save", ""));
  const posted = page.waitForResponse(
    (r) => r.request().method() === "POST" && /\/app\/offers\/[^/]+\.data/.test(r.url()),
  );
  await page.getByRole("button", { name: "Save", exact: true }).click();
  expect((await posted).status()).toBeLessThan(400);
  await page.waitForFunction(() => document.querySelector("[data-before-save]") === null);
  await page.waitForURL(/\?saved=1/);
  await page.getByText("Saved and published").waitFor();
}

/** Horizontal overflow of the page and of the offers table's scroll container, and where Priority ends. */
async function tableFit(page: Page) {
  return page.evaluate(() => {
    const scroller = document.querySelector(".Polaris-IndexTable-ScrollContainer")!;
    const priority = [...document.querySelectorAll("thead th")].find((th) => th.textContent === "Priority")!;
    return {
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      tableOverflow: scroller.scrollWidth - scroller.clientWidth,
      priorityRight: priority.getBoundingClientRect().right,
      tableRight: scroller.getBoundingClientRect().right,
      viewport: window.innerWidth,
    };
  });
}

describe("the admin's details (issue 15), in Chromium", () => {
  let offerId = "";

  it("GIVEN a returning-only offer WHEN previewed for a first-time and then a returning buyer THEN the reason, then the card", async () => {
    await session.page.setViewportSize({ width: 1280, height: 900 });
    await session.page.goto(`${session.server.url}/app/offers/new`);
    await session.page.getByLabel("Offer name").fill("Welcome-back storage case");
    await session.page.getByLabel("Priority").fill("900");
    await addProduct("Storage", "Stackable Tool Storage Case - Default");
    await session.page.getByLabel("Headline (en)").fill("Welcome back: a case for your tools");
    await session.page.getByLabel("Buyers").selectOption("returning");
    await session.page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" });
    await expect
      .poll(() => preview().textContent(), { timeout: 10_000 })
      .toContain("The offer is for returning buyers only, and this buyer is buying for the first time.");
    await shotPreview("admin-preview-first-time-buyer-card");
    expect(await preview().textContent()).toContain("first-time buyer");

    await session.page.getByLabel("Preview buyer").selectOption({ label: "Returning buyer" });
    await expect
      .poll(() => previewCard().textContent(), { timeout: 10_000 })
      .toContain("Welcome back: a case for your tools");
    expect(await preview().textContent()).toContain("returning buyer");
    expect(await preview().textContent()).not.toContain("Not shown to this buyer");
    await shotPreview("admin-preview-returning-buyer-card");
  });

  it("GIVEN a minimum cart total of 100 EUR WHEN the preview's cart total is 49.90 then 150 THEN the reason names both, then the card shows", async () => {
    await session.page.getByLabel("Minimum cart total (EUR)").fill("100");
    await session.page.getByLabel("Preview cart total (EUR)").fill("49.90");
    await expect
      .poll(() => preview().textContent(), { timeout: 10_000 })
      .toContain("The cart total, €49.90, is below the offer's minimum of €100.00.");
    await session.shot("admin-preview-cart-total-below");
    await shotPreview("admin-preview-cart-total-below-card");
    await session.page.getByLabel("Preview cart total (EUR)").fill("150");
    await expect.poll(() => previewCard().count(), { timeout: 10_000 }).toBe(1);
    expect(await preview().textContent()).toContain("cart total €150.00");
    await session.page.getByLabel("Preview cart total (EUR)").fill("12,3,4");
    await session.page.getByText("An amount in EUR, like 49.90").waitFor();
    await expect
      .poll(() => preview().textContent(), { timeout: 10_000 })
      .toContain("The sample cart total is not an amount in EUR");
    await session.page.getByLabel("Preview cart total (EUR)").fill("");
    await session.page.getByLabel("Run an experiment (variants and a hold-out group)").check();
    await session.page.getByLabel("Hold-out share (%)").fill("10");
    await save();
    offerId = new URL(session.page.url()).pathname.split("/").pop()!;
    await session.shot("admin-preview-returning-buyer");
  });

  it("GIVEN the saved offer WHEN it is saved repeatedly while previews are in flight THEN no AbortError (or any error) reaches the page", async () => {
    const page = session.page;
    // Every preview answers 5 s late, so each save below overtakes one in flight.
    let aborted = 0;
    const onFailed = (r: { url: () => string }) => {
      if (r.url().includes("/app/offers/preview")) aborted++;
    };
    page.on("requestfailed", onFailed);
    await page.route("**/app/offers/preview", async (route) => {
      await new Promise((done) => setTimeout(done, 5000));
      await route.continue().catch(() => undefined);
    });
    try {
      for (let i = 0; i < 4; i++) {
        const previewing = page.waitForRequest("**/app/offers/preview");
        await page.getByLabel("Headline (en)").fill(`Welcome back, take ${i}`);
        // The debounced preview starts after 400 ms; the save lands while it waits for its answer.
        await previewing;
        await page.waitForTimeout(i * 60);
        await save();
      }
      // Leaving the page (the save's redirect remounts the editor) aborted each of those previews.
      await expect.poll(() => aborted, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      // A newer preview supersedes one in flight: the first is aborted, the second answers.
      const previewing = page.waitForRequest("**/app/offers/preview");
      await page.getByLabel("Device").selectOption("desktop");
      await previewing;
      await page.getByLabel("Device").selectOption("mobile");
      await expect.poll(() => aborted, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
      await expect.poll(() => previewCard().count(), { timeout: 10_000 }).toBe(1);
      // A product search in flight when the merchant saves.
      await page.getByLabel("Search products", { exact: true }).fill("Cable");
      await page.waitForTimeout(210);
      await save();
      await page.waitForLoadState("networkidle");
    } finally {
      await page.unroute("**/app/offers/preview");
      page.off("requestfailed", onFailed);
    }
    expect(problems).toEqual([]);
    const row = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(JSON.parse(row.definition).copy.en.title).toBe("Welcome back, take 3");
  }, 90_000);

  it("GIVEN the offers list at 1280 px, and at 1040 px (the embedded admin's frame beside Shopify's navigation) THEN every column shows, Priority included, with no horizontal overflow", async () => {
    for (const width of [1280, 1040]) {
      await session.page.setViewportSize({ width, height: 900 });
      await session.page.goto(`${session.server.url}/app/offers`);
      await session.page.getByRole("link", { name: "Welcome-back storage case" }).waitFor();
      const fit = await tableFit(session.page);
      expect(fit.pageOverflow, `${width}px page`).toBe(0);
      expect(fit.tableOverflow, `${width}px table`).toBe(0);
      expect(fit.priorityRight, `${width}px Priority`).toBeLessThanOrEqual(Math.min(fit.tableRight, fit.viewport));
      for (const heading of ["Offer", "Type", "Moments", "Status", "Experiment", "Priority"]) {
        await expect
          .poll(() => session.page.getByRole("columnheader", { name: heading, exact: true }).isVisible())
          .toBe(true);
      }
      await session.page.screenshot({ path: screenshotPath(`admin-offers-table-${width}`), fullPage: true });
    }
    await session.page.setViewportSize({ width: 1280, height: 900 });
  });

  it("GIVEN the offer's running experiment WHEN the offer is paused THEN the list, the editor and Experiments show it paused; resumed, running again in the same version", async () => {
    const page = session.page;
    await page.goto(`${session.server.url}/app/offers/${offerId}`);
    await page.getByRole("button", { name: "Pause offer" }).click();
    await page.getByRole("button", { name: "Resume offer" }).waitFor();
    await page.getByText(/^Paused because its offer is paused: no buyer sees the offer or is held out\./).waitFor();
    await session.shot("admin-offer-experiment-paused");
    await page
      .locator(".Polaris-ShadowBevel", { has: page.getByRole("heading", { name: "Experiment", exact: true }) })
      .screenshot({ path: screenshotPath("admin-offer-experiment-paused-card") });

    await page.goto(`${session.server.url}/app/offers?status=paused`);
    const row = page.locator("tr", { hasText: "Welcome-back storage case" });
    await expect.poll(() => row.locator("td").allTextContents()).toEqual(expect.arrayContaining(["paused", "paused"]));

    await page.goto(`${session.server.url}/app/experiments`);
    const card = page.locator(".Polaris-ShadowBevel", { hasText: "Welcome-back storage case" });
    await card.getByText("paused", { exact: true }).waitFor();
    await card.getByText(/^Paused because its offer is paused/).waitFor();
    await session.shot("admin-experiments-paused");
    await card.screenshot({ path: screenshotPath("admin-experiments-paused-card") });

    await page.goto(`${session.server.url}/app/offers/${offerId}`);
    await page.getByRole("button", { name: "Resume offer" }).click();
    await page.getByRole("button", { name: "Pause offer" }).waitFor();
    await page.goto(`${session.server.url}/app/experiments`);
    await card.getByText("running", { exact: true }).waitFor();
    expect(await card.getByText(/^Paused because/).count()).toBe(0);
    // The headline edits above each started a version; pausing and resuming started none.
    const experiment = await session.db.prisma.experiment.findFirstOrThrow({ where: { offerId } });
    const versions = await session.db.prisma.experimentVersion.count({ where: { experimentId: experiment.id } });
    expect(experiment).toMatchObject({ status: "running", version: versions });
    expect(problems).toEqual([]);
  });
});
