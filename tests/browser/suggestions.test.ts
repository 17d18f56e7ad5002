/**
 * Suggestions from the shop's orders (decision 029) in Chromium, demo mode: the empty state, "Mine
 * my orders" mining the demo store's history, the suggestions per moment with their evidence, and
 * "Create draft" opening the editor on a draft offer. Screenshots in tests/.output/.../screenshots/.
 */
import { describe, expect, it } from "vitest";
import { demoAdminInChromium } from "../support/browser";

const session = demoAdminInChromium("suggestions");

describe("/app/suggestions in the demo admin", () => {
  it("GIVEN a demo shop never mined WHEN the merchant opens Suggestions from the navigation THEN the empty state offers to mine the orders", async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/app`);
    await page.getByRole("link", { name: "Suggestions", exact: true }).first().click();
    await page.waitForURL(/\/app\/suggestions$/);
    await page.getByText("No suggestions yet").waitFor();
    expect(await page.getByRole("button", { name: "Mine my orders" }).isVisible()).toBe(true);
    await session.shot("suggestions-empty");
  });

  it("GIVEN the empty state WHEN the merchant mines the orders THEN each moment lists suggestions with their evidence, the headset's cable among the in-cart ones", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Mine my orders" }).click();
    await page.getByRole("heading", { name: "In-cart cross-sell" }).waitFor();
    for (const moment of [
      "Checkout: before payment",
      "Post-purchase page",
      "Thank-you / order status",
      "Follow-up email",
    ]) {
      expect(await page.getByRole("tab", { name: new RegExp(`^${moment} \\(\\d+\\)$`) }).isVisible()).toBe(true);
    }
    const cart = page.locator("section", { has: page.getByRole("heading", { name: "In-cart cross-sell" }) });
    const card = cart
      .getByTestId("suggestion")
      .filter({ hasText: "Offer Premium Braided Audio Cable" })
      .filter({ hasText: "to buyers of Studio ANC Headset" });
    await card.first().waitFor();
    const text = await card.first().innerText();
    expect(text).toContain("From your orders");
    expect(text).toMatch(/Bought together\s+\d+ orders/);
    expect(text).toMatch(/Lift\s+\d+(\.\d)?×/);
    expect(text).toMatch(/Expected take rate\s+\d+\.\d%/);
    expect(text).toMatch(/Expected revenue per 1,000 buyers\s+€\d/);
    expect(await page.getByText(/Mined [\d,]+ orders since/).isVisible()).toBe(true);
    await session.shot("suggestions");
    // Another moment's tab: its own list, the same pairs at that moment's expected revenue.
    await page.getByRole("tab", { name: /^Post-purchase page/ }).click();
    await page.getByRole("heading", { name: "Post-purchase page" }).waitFor();
    expect(await page.getByTestId("suggestion").count()).toBeGreaterThan(0);
    await session.shot("suggestions-post-purchase");
    await page.getByRole("tab", { name: /^In-cart cross-sell/ }).click();
    await page.getByRole("heading", { name: "In-cart cross-sell" }).waitFor();
  });

  it("GIVEN a suggestion WHEN the merchant clicks Create draft THEN the editor opens on the new draft offer", async () => {
    const { page } = session;
    const cart = page.locator("section", { has: page.getByRole("heading", { name: "In-cart cross-sell" }) });
    await cart.getByRole("button", { name: "Create draft: Premium Braided Audio Cable" }).first().click();
    await page.waitForURL(/\/app\/offers\/[^/?]+\?suggestion=1/);
    await page.getByRole("button", { name: "Activate offer" }).waitFor();
    expect(await page.getByLabel("Headline (en)").inputValue()).toBe("Pairs well with your Studio ANC Headset");
    await session.shot("suggestions-draft");
  });

  it("GIVEN a run Shopify is still exporting WHEN the page opens THEN it says so, keeps the last suggestions and offers to mine again", async () => {
    const { page, server, db } = session;
    const shop = await db.prisma.shop.findFirstOrThrow({ where: { isDemo: true } });
    const run = await db.prisma.suggestionRun.findUniqueOrThrow({ where: { shopId: shop.id } });
    await db.prisma.suggestionRun.update({
      where: { shopId: shop.id },
      data: {
        status: "running",
        operationId: "gid://shopify/BulkOperation/1",
        claimedUntil: new Date(Date.now() + 600_000),
      },
    });
    try {
      await page.goto(`${server.url}/app/suggestions`);
      await page.getByText("Reading your orders").waitFor();
      expect(await page.getByText(/Shopify is exporting the orders since/).isVisible()).toBe(true);
      expect(await page.getByTestId("suggestion").count()).toBeGreaterThan(0);
      await session.shot("suggestions-running");
    } finally {
      await db.prisma.suggestionRun.update({
        where: { shopId: shop.id },
        data: { status: run.status, operationId: null, claimedUntil: null },
      });
    }
  });

  it("GIVEN the admin in German WHEN Suggestions opens THEN the page speaks German", async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/app/suggestions?locale=de`);
    await page.getByText("Vorschläge aus Ihren Bestellungen").first().waitFor();
    expect(await page.getByRole("button", { name: "Erneut auswerten" }).isVisible()).toBe(true);
    await session.shot("suggestions-de");
  });
});
