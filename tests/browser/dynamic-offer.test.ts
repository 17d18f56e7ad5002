import { existsSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CATALOG, demoProductGid } from "~/demo/catalog";
import { DEMO_DYNAMIC_OFFER } from "~/demo/demo-offer-dynamic";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { demoGateway } from "~/gateway/demo.server";
import { buildComplements } from "~/publish/complements.server";
import { REASON_WORDS } from "~/preview/reasons";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { requestMining, stepMining } from "~/suggestions/mining.server";
import { demoAdminInChromium, screenshotPath } from "../support/browser";

/**
 * A dynamic offer (decision 034) in the offer editor: the type "Dynamic: best complement from your
 * orders" has no product picker but says where its product comes from, and the live preview shows
 * the product chosen for the sample cart (the demo laptop's best complement from the mined demo
 * history) or why none can be. Screenshots: tests/.output/<slot>/screenshots/dynamic-*.png.
 */
const session = demoAdminInChromium("dynamic");
let bestTitle = "";

beforeAll(async () => {
  const { db } = session;
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  await ensureDemoOffers(db.prisma, shop.id);
  const gateway = demoGateway(db.prisma, shop.id);
  await requestMining(db.prisma, shop.id);
  expect((await stepMining(db.prisma, shop, gateway, new Date())).status).toBe("done");
  const table = await buildComplements(db.prisma, shop.id, (ids) => gateway.getProducts(ids));
  const laptop = demoProductGid(DEMO_CATALOG.findIndex((p) => p.key === "laptop"));
  const best = table.find((e) => e.productId === laptop);
  expect(best, "the laptop has mined complements").toBeDefined();
  const [product] = await gateway.getProducts([best!.items[0]!.productId]);
  bestTitle = product!.title;
}, 120_000);

async function shoot(name: string, target = session.page.locator("body")) {
  const file = screenshotPath(name);
  await target.screenshot({ path: file });
  expect(existsSync(file) && statSync(file).size > 3_000).toBe(true);
}

describe("the offer editor: a dynamic offer", () => {
  it("GIVEN the demo's dynamic offer WHEN it is opened with a laptop as the sample cart at the thank-you page THEN the editor explains where the product comes from and the preview shows the laptop's best complement, 10% off", async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1400, height: 1400 });
    const row = await session.db.prisma.offer.findFirstOrThrow({ where: { name: DEMO_DYNAMIC_OFFER.name } });
    await page.goto(`${session.server.url}/app/offers/${row.id}`);
    expect(await page.getByLabel("Offer type").inputValue()).toBe("dynamic");
    await expect.poll(() => page.getByText("Product offered: chosen per cart").count()).toBe(1);
    expect(await page.getByText("from the complements mined from your orders").count()).toBe(1);
    // No product picker: the fixed offers' "Products offered" card is not there.
    expect(await page.getByRole("heading", { name: "Products offered" }).count()).toBe(0);
    await page.getByLabel("Preview moment").selectOption("thank_you", { timeout: 5000 });
    await page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" }, { timeout: 5000 });
    const card = page.getByTestId("offer-preview-card");
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(bestTitle);
    expect(await card.textContent()).toContain("Laptop buyers often add this");
    await shoot("dynamic-editor-preview", page.getByTestId("live-preview"));
    await shoot("dynamic-editor", page.locator("body"));
  });

  it("GIVEN an empty sample cart WHEN previewed THEN the preview says why nothing is shown", async () => {
    const { page } = session;
    await page.getByLabel("Sample cart").selectOption({ index: 0 });
    const preview = page.getByTestId("live-preview");
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain(REASON_WORDS.trigger_not_in_cart);
    await shoot("dynamic-editor-not-shown", preview);
  });
});
