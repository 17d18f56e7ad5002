import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePayload, type Offer, type Settings } from "@moments/engine";
import { decidePostPurchaseOffer, purchaseFromInput } from "~/post-purchase/offer.server";
import { parseInputData } from "~/post-purchase/token.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "./support/server";
import { postPurchaseInputData, postPurchaseToken } from "./support/shopify-signing";

/**
 * Linked downsells and plan upgrades on the post-purchase page (decision 027), through the
 * endpoints the extension calls: a decline of an offer that names a downsell shows that downsell
 * next, on the same page, before any other offer; a swap offer is never made there.
 */
const SHOP = "pp-downsell.myshopify.com";
const DRILL = { product: 8100000004, variant: 4600000400 };
const settings: Settings = { journeyCap: 10, defaultLocale: "en", momentLimits: { post_purchase: 1 } };

const offer = (id: string, priority: number, variant: number, eur: number, more: Partial<Offer> = {}): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["post_purchase"],
  priority,
  items: [
    {
      productId: `gid://shopify/Product/${variant + 1000}`,
      variantId: `gid://shopify/ProductVariant/${variant}`,
      quantity: 1,
      prices: { EUR: eur },
    },
  ],
  copy: { en: { title: `Add ${id}` } },
  targeting: { products: [`gid://shopify/Product/${DRILL.product}`] },
  ...more,
});
const OFFERS: Offer[] = [
  // A plan upgrade of the drill just bought: it would swap the purchased line, which a changeset cannot.
  offer("off_pro", 200, 4600000401, 19900, {
    type: "subscription_upgrade",
    items: [
      {
        productId: `gid://shopify/Product/${DRILL.product}`,
        variantId: "gid://shopify/ProductVariant/4600000401",
        quantity: 1,
        prices: { EUR: 19900 },
        sellingPlanId: "gid://shopify/SellingPlan/7700000004",
      },
    ],
  }),
  offer("off_kit", 100, 4600000500, 8900, { downsell: "off_case" }),
  offer("off_bits", 50, 4600000600, 2000),
  // The downsell: ranked last, shown only after a "no" to the kit.
  offer("off_case", 1, 4600000700, 3900),
];

let db: TestDatabase;
let server: RunningServer;
let shopId: string;

beforeAll(async () => {
  db = freshDatabase("post-purchase-downsell");
  shopId = (await db.prisma.shop.create({ data: { domain: SHOP, name: SHOP, currency: "EUR" } })).id;
  const payload = encodePayload(OFFERS, settings, Date.now() - 60_000);
  await db.prisma.publication.create({
    data: { shopId, payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() },
  });
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const inputData = (referenceId: string) => postPurchaseInputData(SHOP, referenceId, DRILL);
async function getOffer(referenceId: string, body: unknown = {}) {
  const token = await postPurchaseToken(SHOP, inputData(referenceId));
  const res = await fetch(`${server.url}/api/post-purchase/offer`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (
    (await res.json()) as { offer: { offerId: string; step: number; quantities: Array<{ final: number }> } | null }
  ).offer;
}

describe("post-purchase: linked downsells and plan upgrades", () => {
  it("GIVEN a plan upgrade of the drill just bought WHEN the page decides THEN it is not made (swap_unavailable, exactly why) and the kit is the first offer", async () => {
    const purchase = purchaseFromInput(parseInputData(inputData("ref-first")));
    const decided = await decidePostPurchaseOffer(db.prisma, shopId, purchase);
    expect(decided.offer?.offerId).toBe("off_kit");
    expect(decided.decision!.moments[0]!.excluded).toContainEqual({ offerId: "off_pro", reason: "swap_unavailable" });
    expect(decided.decision!.moments[0]!.excluded).toContainEqual({
      offerId: "off_case",
      reason: "downsell_only",
      detail: "off_kit",
    });
  });

  it("GIVEN the kit WHEN the buyer declines it THEN its linked downsell, the case, is the next offer on the same page (step 2), before the bits that rank above it; declining that moves on to the bits", async () => {
    expect(await getOffer("ref-decline")).toMatchObject({ offerId: "off_kit", step: 1 });
    const downsell = await getOffer("ref-decline", { declineOfferId: "off_kit" });
    expect(downsell).toMatchObject({ offerId: "off_case", step: 2 });
    expect(downsell!.quantities[0]!.final).toBe(3900);
    // ShouldRender runs twice: asking again keeps the downsell.
    expect(await getOffer("ref-decline")).toMatchObject({ offerId: "off_case", step: 2 });
    expect(await getOffer("ref-decline", { declineOfferId: "off_case" })).toMatchObject({
      offerId: "off_bits",
      step: 3,
    });
  });

  it("GIVEN the kit not declined WHEN the page asks again THEN the case never shows on its own", async () => {
    expect(await getOffer("ref-no-decline")).toMatchObject({ offerId: "off_kit" });
    const purchase = purchaseFromInput(parseInputData(inputData("ref-no-decline")));
    await db.prisma.postPurchaseOffer.updateMany({
      where: { shopId, referenceId: "ref-no-decline", offerId: "off_kit" },
      data: { status: "accepted" },
    });
    const next = await decidePostPurchaseOffer(db.prisma, shopId, purchase);
    expect(next.offer?.offerId).toBe("off_bits");
    expect(next.decision!.moments[0]!.excluded).toContainEqual({
      offerId: "off_case",
      reason: "downsell_only",
      detail: "off_kit",
    });
  });
});
