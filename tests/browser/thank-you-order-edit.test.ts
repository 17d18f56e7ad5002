import { describe, expect, it, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { demoGateway } from "~/gateway/demo.server";
import { publishShop } from "~/publish/publish.server";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { demoAdminInChromium, screenshotPath } from "../support/browser";

/**
 * The demo buyer journey's thank-you step adds its offer to the order just paid (decision 026):
 * "Add to order" runs the app's /api/thank-you/accept (a session token the demo signs, the
 * server's decision and price, the demo gateway's order edit), and the step shows the edited
 * order, its balance and Shopify's invoice. A wallet checkout (no post-purchase page) gets the
 * post-purchase offer there instead. Screenshots: tests/.output/<slot>/screenshots/thank-you-*.png.
 */
const session = demoAdminInChromium("thank-you-order-edit");

beforeAll(async () => {
  const shop = await session.db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  await ensureDemoOffers(session.db.prisma, shop.id);
  expect((await publishShop(session.db.prisma, shop, demoGateway(session.db.prisma, shop.id))).ok).toBe(true);
}, 120_000);

/** The thank-you step's card on the journey page: the innermost block holding its heading and its order-edit box. */
const thankYouStep = (page: Page, inside: string) =>
  page
    .locator("div")
    .filter({ has: page.getByRole("heading", { name: "Thank-you / order status" }) })
    .filter({ hasText: inside })
    .last();

async function openJourney(page: Page, query: string) {
  const response = await page.goto(`${session.server.url}/demo/journey?${query}`);
  expect(response?.status()).toBe(200);
  await expect.poll(() => page.getByRole("heading", { name: "Buyer journey" }).count()).toBe(1);
}

describe("the demo journey's thank-you step: the offer added to the paid order", () => {
  it("GIVEN a headset bought WHEN the buyer adds the cable on the thank-you page THEN the order is edited, the balance is Shopify's invoice, and the step shows it", async () => {
    const { page } = session;
    await openJourney(page, "item=headset-black&currency=EUR&country=DE&locale=en&device=desktop&buyer=ty-buyer-1");
    const add = page.locator('form:has(input[name="intent"][value="accept"]) button');
    await expect.poll(() => add.count()).toBe(1);
    expect(await add.textContent()).toContain("Add to order");
    await expect.poll(() => page.getByRole("heading", { name: "One more thing for your headset" }).count()).toBe(1);
    await thankYouStep(page, "orderEditBegin").screenshot({ path: screenshotPath("thank-you-order-edit-offer") });

    await add.click();
    await expect
      .poll(() => page.getByText("Added to the paid order: One more thing for your headset").count(), {
        timeout: 15_000,
      })
      .toBe(1);
    // 15% off the 24.90 EUR cable: 21.16 EUR added; the buyer paid the headset already.
    await expect
      .poll(() =>
        page
          .getByText(
            /€21\.16 added to order \d+\. Paid at checkout €199\.00, order total now €220\.16: balance due €21\.16\./,
          )
          .count(),
      )
      .toBe(1);
    await expect.poll(() => page.getByText(/Shopify's invoice for €21\.16 was sent to the buyer/).count()).toBe(1);
    await expect
      .poll(() =>
        page
          .getByText(
            /Premium Braided Audio Cable.*€24\.90 - €3\.74 \(line discount\) = €21\.16 \(added after payment\)/,
          )
          .count(),
      )
      .toBe(1);
    expect(await add.count()).toBe(0);
    await page.screenshot({ path: screenshotPath("thank-you-order-edit-journey"), fullPage: true });
    await thankYouStep(page, "The order after the edit").screenshot({
      path: screenshotPath("thank-you-order-edit-added"),
    });

    // The demo shop's offers carry a suffix of their own (ensureDemoOffers).
    const edit = await session.db.prisma.thankYouOrderEdit.findFirstOrThrow({
      where: { offerId: { startsWith: "demo-headset-cable-ty" } },
    });
    expect(edit).toMatchObject({ status: "committed", moment: "thank_you", chargedMinor: 2116n, balanceMinor: 2116n });
    expect(edit.invoiceSentAt).toBeInstanceOf(Date);
    const accept = await session.db.prisma.event.findFirstOrThrow({ where: { type: "accept", offerId: edit.offerId } });
    expect(accept).toMatchObject({
      surface: "thank_you",
      moment: "thank_you",
      valueMinor: 2116n,
      currency: "EUR",
      journeyKey: "ty-buyer-1",
    });

    // Back on the page (a reload, the same order): still added, nothing added twice.
    await page.reload();
    await expect.poll(() => page.getByText("Added to the paid order: One more thing for your headset").count()).toBe(1);
    expect(await session.db.prisma.thankYouOrderEdit.count()).toBe(1);
  });

  it("GIVEN a drill bought with a wallet (no post-purchase page) WHEN the thank-you page renders THEN the post-purchase offer shows there and is added by the same order edit", async () => {
    const { page } = session;
    await openJourney(page, "item=drill&currency=EUR&country=DE&locale=en&device=desktop&buyer=ty-wallet-1&wallet=1");
    await expect.poll(() => page.getByText("Shows the post-purchase offer (wallet checkout)").count()).toBe(1);
    await expect.poll(() => page.getByRole("heading", { name: "Add the tool case to your order" }).count()).toBe(1);
    await thankYouStep(page, "Paid with a wallet").screenshot({
      path: screenshotPath("thank-you-order-edit-wallet-offer"),
    });
    await page.locator('form:has(input[name="intent"][value="accept"]) button').click();
    await expect
      .poll(() => page.getByText("Added to the paid order: Add the tool case to your order").count(), {
        timeout: 15_000,
      })
      .toBe(1);
    await expect.poll(() => page.getByText("Shows the post-purchase offer (wallet checkout)").count()).toBe(1);
    await thankYouStep(page, "The order after the edit").screenshot({
      path: screenshotPath("thank-you-order-edit-wallet"),
    });
    const made = await session.db.prisma.postPurchaseOffer.findFirstOrThrow({
      where: { offerId: { startsWith: "demo-pp-drill-case" } },
    });
    expect(made).toMatchObject({ moment: "thank_you", status: "accepted", referenceId: "ty-wallet-1" });
  });
});
