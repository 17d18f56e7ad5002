import { existsSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Locator } from "playwright-core";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { demoGateway } from "~/gateway/demo.server";
import { publishShop } from "~/publish/publish.server";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { demoAdminInChromium, screenshotPath } from "../support/browser";

/**
 * Decision 027 in a browser, on the demo admin: the editor's "When declined, show" field (saved,
 * a loop refused), the plan upgrade in the live preview with Planner Basic in the sample cart, and
 * the buyer-journey page showing it at payment. Screenshots: tests/.output/<slot>/screenshots/downsell-*.png.
 */
const session = demoAdminInChromium("downsell");

async function shoot(target: Locator, name: string) {
  const file = screenshotPath(name);
  await target.screenshot({ path: file });
  expect(existsSync(file) && statSync(file).size > 3_000).toBe(true);
}

beforeAll(async () => {
  const shop = await session.db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  await ensureDemoOffers(session.db.prisma, shop.id);
  expect((await publishShop(session.db.prisma, shop, demoGateway(session.db.prisma, shop.id))).ok).toBe(true);
}, 120_000);

const offerRow = (name: string) => session.db.prisma.offer.findFirstOrThrow({ where: { name } });
/** The editor card holding the "When declined, show" select. */
const downsellCard = () => session.page.getByTestId("downsell-card");

describe("the offer editor: When declined, show", () => {
  it("GIVEN the tool case offer WHEN the merchant picks the drill's insurance as its downsell and saves THEN it is stored, and the field says what happens", async () => {
    const { page } = session;
    const toolCase = await offerRow("Tool case with the drill");
    const insurance = await offerRow("Shipping insurance with the drill (second checkout slot)");
    await page.goto(`${session.server.url}/app/offers/${toolCase.id}`);
    const field = page.getByLabel("When declined, show");
    await field.selectOption(
      { label: "Shipping insurance with the drill (second checkout slot)" },
      { timeout: 10_000 },
    );
    await expect
      .poll(() => downsellCard().textContent())
      .toContain("takes its place at the same moment (Checkout: before payment)");
    await downsellCard().scrollIntoViewIfNeeded();
    await shoot(downsellCard(), "downsell-editor-field");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/saved=1/, { timeout: 20_000 });
    const saved = await offerRow("Tool case with the drill");
    expect((JSON.parse(saved.definition) as { downsell?: string }).downsell).toBe(insurance.id);
    expect(await page.getByLabel("When declined, show").inputValue()).toBe(insurance.id);
  });

  it("GIVEN tool case -> insurance WHEN the insurance names the tool case THEN the save is refused with the loop named beside the field", async () => {
    const { page } = session;
    const insurance = await offerRow("Shipping insurance with the drill (second checkout slot)");
    await page.goto(`${session.server.url}/app/offers/${insurance.id}`);
    await page.waitForLoadState("networkidle");
    await page
      .getByLabel("When declined, show")
      .selectOption({ label: "Tool case with the drill" }, { timeout: 10_000 });
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(() => downsellCard().textContent(), { timeout: 20_000 })
      .toContain(
        "Declining would go round in a circle (Shipping insurance with the drill (second checkout slot) → Tool case with the drill → Shipping insurance with the drill (second checkout slot))",
      );
    await downsellCard().scrollIntoViewIfNeeded();
    await shoot(downsellCard(), "downsell-editor-loop-refused");
  });
});

describe("the plan upgrade, previewed", () => {
  it("GIVEN the Planner Basic -> Pro plan offer WHEN previewed with Planner Basic in the sample cart THEN the live preview shows the upgrade priced at Pro's plan price", async () => {
    const { page } = session;
    const upgrade = await offerRow("Planner Basic -> Pro plan");
    await page.goto(`${session.server.url}/app/offers/${upgrade.id}`);
    await page
      .getByLabel("Sample cart")
      .selectOption({ label: "Planner Pro (monthly plan) - Basic" }, { timeout: 10_000 });
    const preview = page.getByTestId("live-preview");
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toContain("Go Pro for 20% less");
    expect(await preview.textContent()).toContain("€39.20");
    await shoot(preview, "downsell-plan-upgrade-preview");
  });

  it("GIVEN Planner Basic in the demo journey's cart WHEN the journey walks to payment THEN the plan upgrade shows there, with the line update it makes", async () => {
    const { page } = session;
    await page.goto(
      `${session.server.url}/demo/journey?item=saas-basic&currency=EUR&country=DE&locale=en&device=desktop`,
    );
    const card = page.locator('[data-testid="offer-preview-card"]', { hasText: "Go Pro for 20% less" });
    await card.waitFor({ timeout: 15_000 });
    expect(await page.textContent("body")).toMatch(
      /updateCartLine gid:\/\/shopify\/CartLine\/saas-basic -> gid:\/\/shopify\/ProductVariant\/\d+ on gid:\/\/shopify\/SellingPlan\/\d+/,
    );
    await session.shot("downsell-plan-upgrade-journey");
  });
});
