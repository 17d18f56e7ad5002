import { existsSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { assign, encodePayload, splitImageUrl, type Design, type Offer } from "@moments/engine";
import { demoImageUrl, demoProductGid, demoVariantGid } from "~/demo/catalog";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { renderEmail, type EmailContent } from "~/email/content.server";
import { demoGateway } from "~/gateway/demo.server";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { DEMO_SHOP_DOMAIN } from "~/shop-context.server";
import { demoAdminInChromium, screenshotPath } from "../support/browser";

/**
 * Each layout (decision 024) with its product image on the surfaces the demo shows in a browser:
 * the checkout (the buyer-journey page renders what the extension renders), the offer editor's
 * live preview (and a design A/B test), the post-purchase page and the follow-up email.
 * Screenshots go to tests/.output/<slot>/screenshots/design-*.png for review.
 */
const session = demoAdminInChromium("designs");
const DESIGNS: Design[] = ["card", "compact", "banner"];

/** The image inside `scope` loaded (not broken). */
const imageLoaded = (scope: Locator) =>
  expect
    .poll(
      () =>
        scope
          .locator("img")
          .first()
          .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0),
      { timeout: 10_000 },
    )
    .toBe(true);

async function shoot(target: Page | Locator, name: string) {
  const file = screenshotPath(name);
  await target.screenshot({ path: file });
  expect(existsSync(file) && statSync(file).size > 3_000).toBe(true);
}

let buyer = "";
beforeAll(async () => {
  const shop = await session.db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
  await ensureDemoOffers(session.db.prisma, shop.id);
  expect((await publishShop(session.db.prisma, shop, demoGateway(session.db.prisma, shop.id))).ok).toBe(true);
  // A journey outside the tool case experiment's hold-out (held-out buyers see nothing there).
  const payload = (await getPublishedPayload(session.db.prisma, shop.id))!;
  const drillCase = payload.offers.find((o) => o.id.startsWith("demo-drill-case") && o.experiment)!;
  for (let i = 1; !buyer; i++)
    if (assign(drillCase.experiment!, `demo-buyer-${i}`).kind === "variant") buyer = `demo-buyer-${i}`;
}, 120_000);

describe("checkout: the buyer-journey page shows each layout with its product image", () => {
  const cases: Array<{ design: Design; cart: string; title: string }> = [
    { design: "card", cart: "item=drill", title: "Keep it all together" },
    { design: "compact", cart: "item=parka-m", title: "Upgrade to Premium Gore-Tex" },
    { design: "banner", cart: "item=headset-black", title: "Travel-ready bundle" },
  ];
  for (const c of cases)
    it(`GIVEN a demo offer in the ${c.design} layout WHEN its step renders THEN the card shows the product image, headline, price and both actions`, async () => {
      const { page } = session;
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(
        `${session.server.url}/demo/journey?${c.cart}&currency=EUR&country=DE&locale=en&device=desktop&buyer=${buyer}`,
      );
      const card = page.locator(`[data-testid="offer-preview-card"][data-design="${c.design}"]`, { hasText: c.title });
      await card.waitFor();
      await imageLoaded(card);
      expect(await card.getByRole("heading", { name: c.title }).count()).toBe(1);
      expect(await card.getByRole("button").count()).toBe(2);
      await shoot(card, `design-checkout-${c.design}`);
    });
});

describe("the offer editor: choosing a layout, previewed live, and a design A/B test", () => {
  const preview = () => session.page.getByTestId("live-preview");
  const previewCard = () => session.page.getByTestId("offer-preview-card");

  it("GIVEN the tool case offer WHEN the merchant picks each layout THEN the live preview renders it with the product image", async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1400, height: 1000 });
    const row = await session.db.prisma.offer.findFirstOrThrow({ where: { name: "Tool case with the drill" } });
    await page.goto(`${session.server.url}/app/offers/${row.id}`);
    await page
      .getByLabel("Sample cart")
      .selectOption({ label: "Pro 18V Cordless Drill - Drill only" }, { timeout: 5000 });
    await page.getByLabel("Experiment arm").selectOption({ index: 1 }, { timeout: 5000 });
    for (const [design, label] of [
      ["compact", "Compact line"],
      ["banner", "Banner"],
      ["card", "Card with image"],
    ] as const) {
      await page.getByLabel(label, { exact: true }).check({ force: true });
      await expect.poll(() => previewCard().getAttribute("data-design"), { timeout: 10_000 }).toBe(design);
      await imageLoaded(previewCard());
      expect(await preview().textContent()).toContain(label);
      await shoot(preview(), `design-preview-${design}`);
    }
  });

  it("GIVEN two variants with different layouts WHEN the preview shows each arm THEN each arm's buyers see their layout", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Add variant" }).click();
    await page.getByLabel("Variant 1 layout").selectOption({ label: "Banner" });
    await page.getByLabel("Variant 2 layout").selectOption({ label: "Compact line" });
    const arms = page.getByLabel("Experiment arm");
    await arms.selectOption({ index: 1 });
    await expect.poll(() => previewCard().getAttribute("data-design"), { timeout: 10_000 }).toBe("banner");
    await shoot(preview(), "design-ab-variant-1-banner");
    await arms.selectOption({ index: 2 });
    await expect.poll(() => previewCard().getAttribute("data-design"), { timeout: 10_000 }).toBe("compact");
    await imageLoaded(previewCard());
    await shoot(preview(), "design-ab-variant-2-compact");
  });
});

describe("post-purchase: each layout with its product image", () => {
  it("GIVEN three post-purchase offers in the three layouts WHEN the buyer declines each THEN each renders its layout and image", async () => {
    const { page, db } = session;
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP_DOMAIN } });
    const offer = (pi: number, key: string, design: Design, priority: number): Offer => ({
      id: `pp-${design}`,
      status: "active",
      type: "product",
      moments: ["post_purchase"],
      priority,
      items: [
        {
          productId: demoProductGid(pi),
          variantId: demoVariantGid(pi, 0),
          quantity: 1,
          prices: { EUR: 3900, USD: 4200 },
        },
      ],
      discount: { kind: "percent", percent: 15 },
      design,
      image: splitImageUrl(demoImageUrl(key))!,
      copy: {
        en: {
          title: `Add the ${key.replace("-", " ")} (${design})`,
          body: "One click, nothing to type again: it ships with your order.",
          cta: "Add to my order",
          decline: "No thanks",
        },
      },
    });
    const offers = [
      offer(5, "tool-case", "card", 90),
      offer(9, "insurance", "compact", 80),
      offer(11, "onboarding", "banner", 70),
    ];
    const payload = encodePayload(offers, { journeyCap: 10, defaultLocale: "en" }, Date.now() - 60_000);
    await db.prisma.publication.upsert({
      where: { shopId: shop.id },
      create: { shopId: shop.id, payload, bytes: payload.length, offerCount: offers.length, publishedAt: new Date() },
      update: { payload, bytes: payload.length, offerCount: offers.length, publishedAt: new Date() },
    });
    const offered = new Set(offers.map((o) => o.items[0]!.productId));
    const orders = await db.prisma.order.findMany({
      where: { shopId: shop.id },
      orderBy: { processedAt: "desc" },
      take: 200,
    });
    const order = orders.find(
      (o) => !(JSON.parse(o.lines) as Array<{ productId: string }>).some((l) => offered.has(l.productId)),
    )!;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${session.server.url}/demo/post-purchase?order=${encodeURIComponent(order.shopifyId)}`);
    for (const design of DESIGNS) {
      const card = page.locator(`[data-testid="offer-preview-card"][data-design="${design}"]`);
      await card.waitFor();
      await imageLoaded(card);
      await shoot(card, `design-post-purchase-${design}`);
      await card.getByRole("button", { name: "No thanks" }).click();
      await card.waitFor({ state: "detached" });
    }
  });
});

describe("follow-up email: each layout with its product image", () => {
  for (const design of DESIGNS)
    it(`GIVEN the ${design} layout WHEN the email is opened THEN it shows the product image and the offer`, async () => {
      const content: EmailContent = {
        v: 1,
        brandName: "Moments Demo Store",
        fromAddress: "hello@moments-demo.example",
        shopDomain: "moments-demo.myshopify.com",
        firstName: "Anna",
        purchased: { title: "Pro 18V Cordless Drill", quantity: 1 },
        offer: {
          id: "demo-email",
          type: "product",
          title: "Keep your drill and batteries together",
          body: "The stackable case fits the drill and both batteries. 20% off with your personal code.",
          cta: null,
          items: [],
          price: { currency: "EUR", original: 3900, final: 3120, savings: 780 },
          percentOff: 0.2,
          design,
          image: demoImageUrl("tool-case"),
        },
        discountCode: "MOMENTS-7Q2K9D",
      };
      const { html } = renderEmail({
        outboxId: "ob-design",
        messageId: "<ob-design@moments>",
        shopId: "demo",
        customerId: null,
        recipient: "anna@example.com",
        recipientHash: "h",
        locale: "en",
        content,
        appUrl: session.server.url,
        secret: "test-secret",
        issuedAt: Math.floor(Date.now() / 1000),
      });
      const page = await session.browser.newPage({ viewport: { width: 680, height: 900 } });
      await page.setContent(html);
      const body = page.locator("body");
      await imageLoaded(body);
      expect(await page.getByRole("heading", { name: content.offer.title }).count()).toBe(1);
      await shoot(page, `design-email-${design}`);
      await page.close();
    });
});
