/**
 * The editor that cannot lose work or give products away (issue 15, decision 032), in Chromium
 * (demo mode): the unsaved draft restored after a reload and discarded; a draft taken before the
 * offer was saved elsewhere only offered; 100% off refused on the discount field, live and at the
 * save, until "This is a free gift" is ticked; the warning for weights that starve an arm.
 * Screenshots: tests/.output/editor-safety/*.png (PostgreSQL runs add "-postgresql").
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoAdminInChromium } from "../support/browser";
import { testDialect } from "../support/database";
import { ROOT } from "../support/paths";

const session = demoAdminInChromium("editor-safety");
const DIR = path.join(ROOT, "tests/.output/editor-safety");
const GIFT = "This is a free gift";
const GIVES_AWAY = "This gives the products away: buyers pay nothing.";

async function shot(name: string) {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `${name}${testDialect() === "postgresql" ? "-postgresql" : ""}.png`);
  await session.page.screenshot({ path: file, fullPage: true });
  expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
}

/** Waits until the browser holds a draft for the offer (written as the merchant types, debounced). */
async function draftStored(offer: string, contains: string) {
  await session.page.waitForFunction(
    ([suffix, text]) =>
      Object.keys(localStorage).some((k) => k.endsWith(`:${suffix}`) && localStorage.getItem(k)!.includes(text)),
    [offer, contains] as const,
  );
}

async function addProduct(search: string, label: string) {
  await session.page.getByLabel("Search products", { exact: true }).fill(search);
  const add = session.page.getByRole("button", { name: `Add ${label}`, exact: true });
  await add.waitFor();
  await add.click();
}

describe("the offer editor's safety (issue 15), in Chromium", () => {
  it("GIVEN a new offer typed into WHEN the page is reloaded THEN the draft is back with a banner; Discard returns to the empty offer", async () => {
    const page = session.page;
    await page.goto(`${session.server.url}/app/offers/new`);
    await page.getByLabel("Offer name").fill("Cable for every laptop");
    await page.getByLabel("Headline (en)").fill("Never hunt for a cable again");
    await draftStored("new", "Never hunt for a cable again");
    await page.reload();
    await page.getByText(/^Unsaved changes from .+ restored$/).waitFor();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("Cable for every laptop");
    expect(await page.getByLabel("Headline (en)").inputValue()).toBe("Never hunt for a cable again");
    await shot("draft-restored");
    await page.getByRole("button", { name: "Discard", exact: true }).click();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("");
    await expect.poll(() => page.getByText(/^Unsaved changes from/).count()).toBe(0);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":new")))).toEqual([]);
    await page.reload();
    await page.getByLabel("Offer name").waitFor();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("");
    expect(await page.getByText(/^Unsaved changes from/).count()).toBe(0);
  });

  let offerId = "";

  it("GIVEN 100% off WHEN typed THEN the discount field says it gives the products away, live and at the save; ticked a free gift it saves and the draft is gone", async () => {
    const page = session.page;
    await page.goto(`${session.server.url}/app/offers/new`);
    await page.getByLabel("Offer name").fill("Free storage case");
    await addProduct("Storage", "Stackable Tool Storage Case - Default");
    await page.getByLabel("Headline (en)").fill("A free case with your drill");
    await page.getByLabel("Discount (%)").fill("100");
    // Live: the preview's validation puts the error on the field as the merchant types.
    await page.getByText(GIVES_AWAY).first().waitFor();
    await shot("free-gift-refused-live");
    const refused = page.waitForResponse((r) => r.request().method() === "POST" && /\/app\/offers\/new/.test(r.url()));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect((await refused).status()).toBe(422);
    await page.getByText("Fix the fields marked below.").waitFor();
    expect(await page.getByText(GIVES_AWAY).count()).toBeGreaterThan(0);
    expect(await session.db.prisma.offer.count({ where: { name: "Free storage case" } })).toBe(0);
    await shot("free-gift-refused-save");

    await page.getByLabel(GIFT).check();
    await expect.poll(() => page.getByText(GIVES_AWAY).count(), { timeout: 10_000 }).toBe(0);
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && /\/app\/offers\/new/.test(r.url()));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect((await saved).status()).toBeLessThan(400);
    await page.waitForURL(/\/app\/offers\/off_[^?]+\?saved=1.*draft=[a-z0-9]{16}/);
    await page.getByText("Saved and published").waitFor();
    offerId = new URL(page.url()).pathname.split("/").pop()!;
    const row = await session.db.prisma.offer.findFirstOrThrow({ where: { id: offerId } });
    expect(row.freeGift).toBe(true);
    expect(JSON.parse(row.definition).discount).toEqual({ kind: "percent", percent: 100 });
    expect(await page.getByLabel(GIFT).isChecked()).toBe(true);
    await shot("free-gift-saved");
    // The save dropped the draft it was submitted with: a reload shows no banner.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("offer-draft")))).toEqual([]);
    await page.reload();
    await page.getByLabel("Offer name").waitFor();
    expect(await page.getByText(/^Unsaved changes from/).count()).toBe(0);
  });

  it("GIVEN a draft of a saved offer WHEN the offer is saved elsewhere before the reload THEN the draft is only offered, and restored when chosen", async () => {
    const page = session.page;
    await page.getByLabel("Offer name").fill("Free storage case, edited here");
    await draftStored(offerId, "edited here");
    // Someone else saves the offer meanwhile (its version moves on).
    await session.db.prisma.offer.update({ where: { id: offerId }, data: { name: "Renamed elsewhere" } });
    await page.reload();
    await page.getByText(/^Unsaved changes from .+ were not restored$/).waitFor();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("Renamed elsewhere");
    await shot("draft-stale");
    await page.getByRole("button", { name: "Restore my changes", exact: true }).click();
    await page.getByText(/^Unsaved changes from .+ restored$/).waitFor();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("Free storage case, edited here");
    // Chosen: a reload restores it without asking again.
    await page.reload();
    await page.getByText(/^Unsaved changes from .+ restored$/).waitFor();
    await page.getByRole("button", { name: "Discard", exact: true }).click();
    expect(await page.getByLabel("Offer name").inputValue()).toBe("Renamed elsewhere");
  });

  it("GIVEN an experiment whose second variant gets weight 1 against 19 WHEN looked at THEN a warning (not an error) says it starves; weight 0 says it never shows", async () => {
    const page = session.page;
    await page.getByLabel("Run an experiment (variants and a hold-out group)").check();
    // A new experiment starts with two variants, A and B.
    await page.getByLabel("Variant 1 weight").fill("19");
    await page.getByLabel("Variant 2 weight").fill("1");
    const warning = page.getByTestId("starved-warning");
    await warning.waitFor();
    expect(await warning.innerText()).toBe(
      "B gets 5% of the variants' traffic: it would take about 19 times as long as A to reach a verdict. Give it at least 10%, or remove it.",
    );
    await warning.scrollIntoViewIfNeeded();
    await shot("starved-arm-warning");
    await page.getByLabel("Variant 2 weight").fill("0");
    await expect
      .poll(() => warning.innerText())
      .toBe("B has weight 0: no buyer sees it, so it can never reach a verdict. Give it a weight, or remove it.");
    await page.getByLabel("Variant 2 weight").fill("1");
    await page.getByLabel("Variant 1 weight").fill("1");
    await expect.poll(() => warning.count()).toBe(0);
  });
});
