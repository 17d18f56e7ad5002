/**
 * The offer editor's "Trigger collections" field in Chromium (demo mode): the merchant picks a
 * collection, the live preview decides with it, saving stores and publishes it, and an id the
 * shop no longer has stays on the offer, shown as the id.
 */
import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { decodePayload } from "@moments/engine";
import { demoCollectionGid } from "~/demo/catalog";
import { emptyOfferForm } from "~/offers/form";
import { freshDatabase, type TestDatabase } from "../support/db";
import { demoModeEnv, startServer, type RunningServer } from "../support/server";
import { launchChromium, screenshotPath } from "../support/browser";

const TOOLS = demoCollectionGid("tools");
const GONE = "gid://shopify/Collection/424242";

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  db = freshDatabase("trigger-collections-walk");
  server = await startServer(demoModeEnv(db.url));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

async function shot(name: string) {
  const file = screenshotPath(name);
  await page.screenshot({ path: file, fullPage: true });
  expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
}
const preview = () => page.getByTestId("live-preview");

describe("trigger collections in the offer editor (Chromium, demo mode)", () => {
  let offerId = "";

  it("GIVEN the picker's server search WHEN asked for 'tool' THEN it answers the matching collection with its GID", async () => {
    const response = await fetch(`${server.url}/app/offers/collections?q=tool`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ collections: [{ id: TOOLS, title: "Tools" }] });
  });

  it("GIVEN a posted form whose trigger collections are not ids WHEN saved THEN it is a 400 and nothing is stored", async () => {
    const before = await db.prisma.offer.count();
    // A well-formed form but for the collections.
    const form = emptyOfferForm(["EUR", "USD"]) as unknown as { targeting: { collections: unknown } };
    form.targeting.collections = [1];
    for (const [path, body] of [
      ["/app/offers/new", new URLSearchParams({ intent: "save", form: JSON.stringify(form) })],
      ["/app/offers/preview", new URLSearchParams({ form: JSON.stringify(form) })],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, { method: "POST", body });
      expect(response.status, path).toBe(400);
    }
    expect(await db.prisma.offer.count()).toBe(before);
  });

  it("GIVEN the new-offer form WHEN the merchant picks the Tools collection THEN the preview shows the offer for a drill and explains why not for a laptop", async () => {
    await page.goto(`${server.url}/app/offers/new`);
    await page.getByLabel("Offer name").fill("Case for anything from Tools");
    // The demo shop's own offers are at checkout too; this one must outrank them.
    await page.getByLabel("Priority").fill("900");
    await page.getByLabel("Search products", { exact: true }).fill("Storage");
    const add = page.getByRole("button", { name: "Add Stackable Tool Storage Case - Default", exact: true });
    await add.waitFor();
    await add.click();
    await page.getByLabel("Headline (en)").fill("Keep your tools together");

    const field = page.getByRole("combobox", { name: "Trigger collections" });
    await field.click();
    await field.fill("Too");
    await page.getByRole("option", { name: "Tools" }).click();
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Remove Tools" }).waitFor();

    await page.getByLabel("Sample cart").selectOption({ label: "Pro 18V Cordless Drill - Drill only" });
    await expect.poll(() => preview().textContent(), { timeout: 10_000 }).toContain("Keep your tools together");
    await shot("offer-trigger-collections-shown");

    await page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" });
    await expect
      .poll(() => preview().textContent(), { timeout: 10_000 })
      .toContain("Nothing in the cart triggers the offer");
    await shot("offer-trigger-collections-why-not");
  });

  it("GIVEN the picked collection WHEN the merchant saves THEN the offer is stored and published with the collection's GID", async () => {
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/app\/offers\/off_[a-z0-9]+\?saved=1$/);
    offerId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByText("Saved and published").waitFor();
    await page.waitForLoadState("networkidle");
    const row = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(JSON.parse(row.definition).targeting).toEqual({ collections: [TOOLS] });
    const publication = await db.prisma.publication.findFirstOrThrow();
    const decoded = decodePayload(publication.payload);
    if (!decoded.ok) throw new Error("published payload does not decode");
    expect(decoded.payload.offers.find((o) => o.id === offerId)?.targeting?.collections).toEqual([TOOLS]);
    // The saved page shows the collection by its title.
    await page.getByRole("button", { name: "Remove Tools" }).waitFor();
  });

  it("GIVEN an offer triggered by a collection the shop no longer has WHEN opened and saved THEN the id is shown and kept", async () => {
    const row = await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    const definition = JSON.parse(row.definition) as { targeting: { collections: string[] } };
    definition.targeting.collections = [TOOLS, GONE];
    await db.prisma.offer.update({ where: { id: offerId }, data: { definition: JSON.stringify(definition) } });

    await page.goto(`${server.url}/app/offers/${offerId}`);
    await page.getByText(GONE, { exact: true }).waitFor();
    await shot("offer-trigger-collections-unknown-id");
    await page.getByLabel("Headline (en)").fill("Keep all your tools together");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\?saved=1$/);
    await page.getByText("Saved and published").waitFor();
    await page.waitForLoadState("networkidle");
    const after = JSON.parse((await db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).definition);
    expect(after.targeting.collections).toEqual([TOOLS, GONE]);
    expect(after.copy.en.title).toBe("Keep all your tools together");
  });
});
