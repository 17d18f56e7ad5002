import { existsSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { emailHash, signUnsubscribe } from "~/email/tokens.server";
import { freshDatabase, type TestDatabase } from "../support/db";
import { realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "../support/server";
import { launchChromium, screenshotPath } from "../support/browser";
import { seedEmailShop } from "../email.fixtures";

/** The follow-up email's unsubscribe page as a German buyer sees it (decision 023), in Chromium. */
let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("browser-unsubscribe");
  server = await startServer(realModeEnv(db.url));
  shopId = (await seedEmailShop(db.prisma, "northfold-browser.myshopify.com")).shop.id;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.prisma.$disconnect();
});

const shot = async (page: Page, name: string) => {
  const file = screenshotPath(name);
  await page.screenshot({ path: file, fullPage: true });
  expect(existsSync(file) && statSync(file).size > 5_000).toBe(true);
};

describe("/email/unsubscribe in Chromium", () => {
  it("GIVEN a German buyer's link WHEN they confirm THEN the page asks and answers in German", async () => {
    const token = signUnsubscribe(TEST_API_SECRET, {
      shopId,
      emailHash: emailHash("jon@example.com"),
      customerId: null,
      issuedAt: 1,
      locale: "de",
    });
    // The browser says English: the email's language, signed into the link, wins.
    const page = await browser.newPage({ viewport: { width: 800, height: 600 }, locale: "en-US" });
    const response = await page.goto(`${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute("html", "lang")).toBe("de");
    expect(await page.title()).toBe("Abmelden");
    await expect.poll(() => page.getByText("Keine Folgeangebote mehr von Northfold erhalten?").count()).toBe(1);
    await shot(page, "unsubscribe-de");
    await page.getByRole("button", { name: "Abmelden" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Du bist abgemeldet" }).count()).toBe(1);
    expect(await page.getByText("Du erhältst keine Folgeangebote von Northfold mehr.").count()).toBe(1);
    await shot(page, "unsubscribe-de-done");
    expect(await db.prisma.emailUnsubscribe.count({ where: { shopId } })).toBe(1);
    await page.close();
  });
});
