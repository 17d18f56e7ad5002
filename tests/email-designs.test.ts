import { describe, expect, it } from "vitest";
import { renderEmail, type EmailContent } from "~/email/content.server";
import { offerContent } from "~/email/schedule.server";
import { decide } from "@moments/engine";
import { emailImageUrl } from "~/email/layout.server";
import { sizedImage } from "~/lib/images";

/** The follow-up email renders the offer's product image in its layout (decision 024). */
const CDN = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/";
const content = (offer: Partial<EmailContent["offer"]> = {}, extra: Partial<EmailContent> = {}): EmailContent => ({
  v: 1,
  brandName: "Northfold",
  fromAddress: "hello@northfold.example",
  shopDomain: "northfold.myshopify.com",
  firstName: "Anna",
  purchased: { title: "Pro 18V Cordless Drill", quantity: 1 },
  offer: {
    id: "off_case",
    type: "product",
    title: "Keep it all together",
    body: "The stackable case fits the drill and both batteries.",
    cta: null,
    items: [],
    price: { currency: "EUR", original: 3900, final: 3120, savings: 780 },
    percentOff: 0.2,
    ...offer,
  },
  discountCode: "MOMENTS-ABC123",
  ...extra,
});
const render = (c: EmailContent, appUrl = "https://moments.example") =>
  renderEmail({
    outboxId: "ob1",
    messageId: "<ob1@moments>",
    shopId: "shop",
    customerId: null,
    recipient: "buyer@example.com",
    recipientHash: "h",
    locale: "en",
    content: c,
    appUrl,
    secret: "test-secret",
    issuedAt: 1_800_000_000,
  });
const imgs = (html: string) =>
  [...html.matchAll(/<img src="([^"]+)"[^>]*width="(\d+)"/g)].map((m) => ({ src: m[1], width: Number(m[2]) }));

describe("follow-up email: image and layout", () => {
  it("GIVEN the card layout WHEN rendered THEN a 136 px product image beside the headline, text, price, code and button", () => {
    const { html } = render(content({ design: "card", image: `${CDN}case.jpg?v=1` }));
    // Shopify's CDN resizes on request: twice the widest slot, not the original upload.
    expect(imgs(html)).toEqual([{ src: `${CDN}case.jpg?v=1&amp;width=1104`, width: 136 }]);
    expect(html).toContain("The stackable case fits");
    expect(html).toContain("MOMENTS-ABC123");
    expect(html).toMatch(/<h1 style="font-size:22px/);
  });

  it("GIVEN no design (a row scheduled before layouts) WHEN rendered THEN the card layout, with the catalog's image", () => {
    const { html } = render(
      content({}, { product: { title: "Stackable Tool Storage Case", imageUrl: `${CDN}catalog.png` } }),
    );
    expect(imgs(html)).toEqual([{ src: `${CDN}catalog.png?width=1104`, width: 136 }]);
    expect(html).toContain('alt="Stackable Tool Storage Case"');
  });

  it("GIVEN the compact layout WHEN rendered THEN a 64 px thumbnail, the headline and price on one row, without the text", () => {
    const { html, text } = render(content({ design: "compact", image: `${CDN}case.jpg?v=1` }));
    expect(imgs(html)).toEqual([{ src: `${CDN}case.jpg?v=1&amp;width=1104`, width: 64 }]);
    expect(html).not.toContain("The stackable case fits");
    expect(html).toMatch(/<h1 style="font-size:17px/);
    // The plain-text part keeps every word.
    expect(text).toContain("The stackable case fits");
  });

  it("GIVEN the banner layout WHEN rendered THEN the image across the email above a large headline and a full-width button", () => {
    const { html } = render(content({ design: "banner", image: `${CDN}case.jpg?v=1` }));
    expect(imgs(html)).toEqual([{ src: `${CDN}case.jpg?v=1&amp;width=1104`, width: 552 }]);
    expect(html).toMatch(/<h1 style="font-size:26px/);
    expect(html).toMatch(/display:block;text-align:center;background:#111827/);
  });

  it("GIVEN an image on the app's origin (the demo's) WHEN rendered THEN the email loads it from the app's URL", () => {
    const { html } = render(content({ image: "/demo-products/tool-case.svg" }), "http://127.0.0.1:3000");
    expect(imgs(html)[0]!.src).toBe("http://127.0.0.1:3000/demo-products/tool-case.svg");
  });

  it("GIVEN an image WHEN sized for a surface THEN only Shopify's CDN gets a width (it resizes on request), once", () => {
    expect(sizedImage(`${CDN}a.jpg?v=1`, 300)).toBe(`${CDN}a.jpg?v=1&width=300`);
    expect(sizedImage(`${CDN}a.jpg`, 300)).toBe(`${CDN}a.jpg?width=300`);
    expect(sizedImage(`${CDN}a.jpg?v=1&width=100`, 300)).toBe(`${CDN}a.jpg?v=1&width=100`);
    expect(sizedImage("/demo-products/a.svg", 300)).toBe("/demo-products/a.svg");
    expect(sizedImage("https://img.example/a.jpg", 300)).toBe("https://img.example/a.jpg");
  });

  it("GIVEN image URLs an email must not load WHEN resolved THEN none (the offer shows without an image)", () => {
    expect(emailImageUrl("javascript:alert(1)", "https://moments.example")).toBeNull();
    expect(emailImageUrl("http://tracker.example/x.gif", "https://moments.example")).toBeNull();
    expect(emailImageUrl("", "https://moments.example")).toBeNull();
    expect(render(content({ image: 'https://cdn.example/a.jpg"onerror="x' })).html).not.toContain('"onerror="');
  });

  it("GIVEN a shown offer with an image and a design WHEN scheduled THEN the email's content carries both", () => {
    const shown = decide({
      now: 1_800_000_000_000,
      moments: ["email"],
      buyerKey: "b",
      cart: { lines: [], subtotal: 0, currency: "EUR" },
      payload: {
        v: 1,
        publishedAt: 1,
        settings: { journeyCap: 3, defaultLocale: "en" },
        offers: [
          {
            id: "o",
            status: "active",
            type: "product",
            moments: ["email"],
            priority: 1,
            items: [
              {
                productId: "gid://shopify/Product/1",
                variantId: "gid://shopify/ProductVariant/1",
                quantity: 1,
                prices: { EUR: 1000 },
              },
            ],
            copy: { en: { title: "T" } },
            design: "banner",
            image: [CDN, "case.jpg?v=1"],
          },
        ],
      },
    }).moments[0]!.offers[0]!;
    expect(offerContent(shown)).toMatchObject({ design: "banner", image: `${CDN}case.jpg?v=1` });
  });
});
