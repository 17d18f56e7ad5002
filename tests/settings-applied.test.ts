import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePayload, encodePayload, type Offer, type Settings } from "@moments/engine";
import { renderEmail, type EmailContent } from "~/email/content.server";
import { formatMoney } from "~/lib/money";
import { decidePostPurchaseOffer, nextPostPurchaseOffer, purchaseFromInput, recordDecline } from "~/post-purchase/offer.server";
import { parseInputData } from "~/post-purchase/token.server";
import { decideStorefront, StorefrontQuery } from "~/storefront/offers.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { postPurchaseInputData } from "./support/shopify-signing";

/**
 * The Settings page's "Show prices" and "When a buyer declines" reach every surface through the
 * published payload's settings: the storefront's prices, the follow-up email, the post-purchase
 * offer (formatted by its extension) and the engine's decision after a decline.
 */
const DRILL = { product: 8100000004, variant: 4600000400 };
const offer = (id: string, priority: number, variant: number, eur: number, moments: Offer["moments"]): Offer => ({
  id,
  status: "active",
  type: "product",
  moments,
  priority,
  items: [{ productId: `gid://shopify/Product/${variant + 1000}`, variantId: `gid://shopify/ProductVariant/${variant}`, quantity: 1, prices: { EUR: eur } }],
  copy: { en: { title: `Add ${id}` } },
  targeting: { products: [`gid://shopify/Product/${DRILL.product}`] },
});
const OFFERS = [offer("off_case", 100, 4600000500, 3900, ["post_purchase", "cart"]), offer("off_kit", 50, 4600000600, 2000, ["post_purchase"])];
const SETTINGS: Settings = { journeyCap: 10, defaultLocale: "en", momentLimits: { post_purchase: 1 }, currencyDisplay: "code", afterDecline: "journey" };

let db: TestDatabase;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("settings-applied");
  const shop = await db.prisma.shop.create({ data: { domain: "settings-applied.myshopify.com", name: "Settings", currency: "EUR" } });
  shopId = shop.id;
  const payload = encodePayload(OFFERS, SETTINGS, Date.now() - 60_000);
  await db.prisma.publication.create({ data: { shopId, payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() } });
});
afterAll(() => db?.prisma.$disconnect());

const purchase = (referenceId: string) =>
  purchaseFromInput(parseInputData(postPurchaseInputData("settings-applied.myshopify.com", referenceId, DRILL)));

describe("price display", () => {
  it("GIVEN each Intl currencyDisplay WHEN an amount is formatted THEN the currency is written that way, the amount exact", () => {
    expect(formatMoney(4900, "USD", "en-CA", "symbol")).toBe("US$49.00");
    expect(formatMoney(4900, "USD", "en-CA", "narrowSymbol")).toBe("$49.00");
    expect(formatMoney(4900, "USD", "en-CA", "code")).toBe("USD\u00a049.00");
  });

  it("GIVEN 'code' published WHEN the storefront asks for the cart moment THEN its price strings carry the ISO code", () => {
    const decoded = decodePayload(encodePayload(OFFERS, SETTINGS, Date.now() - 60_000));
    if (!decoded.ok) throw new Error(decoded.error.message);
    const q = StorefrontQuery.parse({ moment: "cart", jk: "j1", cur: "EUR", loc: "en", c: JSON.stringify([[DRILL.product, DRILL.variant, 1, 12900]]) });
    const r = decideStorefront(decoded.payload, q, Date.now());
    expect(r.offers.map((o) => o.price)).toEqual(["EUR\u00a039.00"]);
  });

  it("GIVEN 'code' published WHEN the post-purchase offer is made THEN the view tells the extension to write the ISO code", async () => {
    const next = await nextPostPurchaseOffer(db.prisma, shopId, purchase("ref-display"));
    expect(next.offer).toMatchObject({ offerId: "off_case", currencyDisplay: "code" });
  });

  it("GIVEN content scheduled with 'code' WHEN the follow-up email is rendered THEN its prices carry the ISO code", () => {
    const content: EmailContent = {
      v: 1,
      brandName: "Settings",
      fromAddress: "no-reply@settings-applied.myshopify.com",
      shopDomain: "settings-applied.myshopify.com",
      currencyDisplay: "code",
      firstName: null,
      purchased: { title: "Drill", quantity: 1 },
      offer: { id: "off_case", type: "product", title: "Add a case", body: null, cta: null, items: [], price: { currency: "EUR", original: 3900, final: 3120, savings: 780 }, percentOff: 0.2 },
    };
    const rendered = renderEmail({
      outboxId: "ob1",
      messageId: "<ob1@moments>",
      shopId,
      customerId: null,
      recipient: "buyer@example.com",
      recipientHash: "h",
      locale: "en",
      content,
      appUrl: "https://moments.example",
      secret: "test-secret",
      issuedAt: Math.floor(Date.now() / 1000),
    });
    expect(rendered.text).toContain("EUR\u00a031.20");
    expect(rendered.text).not.toContain("€");
  });
});

describe("when a buyer declines: 'journey'", () => {
  it("GIVEN the buyer declines the post-purchase offer WHEN the next one is asked THEN no downsell follows (after_decline)", async () => {
    const p = purchase("ref-decline");
    expect((await nextPostPurchaseOffer(db.prisma, shopId, p)).offer?.offerId).toBe("off_case");
    expect(await recordDecline(db.prisma, shopId, "ref-decline", "off_case")).toBe(true);
    const after = await decidePostPurchaseOffer(db.prisma, shopId, p);
    expect(after.offer).toBeNull();
    expect(after.decision?.moments[0]?.excluded).toContainEqual({ offerId: "off_kit", reason: "after_decline" });
  });

  it("GIVEN an offer only made, never declined WHEN the thank-you fallback sets it aside THEN the next offer still shows (setting aside is not a decline)", async () => {
    const p = purchase("ref-made");
    expect((await nextPostPurchaseOffer(db.prisma, shopId, p)).offer?.offerId).toBe("off_case");
    const fallback = await decidePostPurchaseOffer(db.prisma, shopId, p, { excludeAllMade: true });
    expect(fallback.offer?.offerId).toBe("off_kit");
  });
});
