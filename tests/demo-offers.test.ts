import { afterAll, describe, expect, test } from "vitest";
import { decide } from "@moments/engine";
import { DEMO_OFFERS, DEMO_SEEDED_OFFERS, ensureDemoOffers } from "~/demo/demo-offers";
import { simulateJourney } from "~/demo/journey";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { freshDatabase } from "./support/db";

const db = freshDatabase("demo-offers");
afterAll(() => db.prisma.$disconnect());

describe("demo offers", () => {
  test("GIVEN a seeded demo shop without offers WHEN ensured and published THEN every demo offer is live in the payload, one experiment running per surface, the checkout step limited to two", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    expect(await ensureDemoOffers(db.prisma, shopId)).toBe(DEMO_SEEDED_OFFERS.length);
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const published = await publishShop(db.prisma, shop, demoGateway(db.prisma, shopId));
    expect(published.ok).toBe(true);
    const payload = (await getPublishedPayload(db.prisma, shopId))!;
    expect(payload.offers).toHaveLength(DEMO_SEEDED_OFFERS.length);
    expect(new Set(payload.offers.map((o) => o.type))).toEqual(new Set(DEMO_SEEDED_OFFERS.map((o) => o.type)));
    const care = payload.offers.find((o) => o.id.startsWith("demo-laptop-care"))!;
    expect(care.experiment?.holdoutBps).toBe(
      DEMO_OFFERS.find((o) => o.id === "demo-laptop-care")!.experiment!.holdoutBps,
    );
    expect(care.experiment?.variants).toHaveLength(2);
    const rows = await db.prisma.experiment.findMany({ where: { shopId } });
    expect(rows.map((r) => r.status)).toEqual(Array(8).fill("running"));
    const experimentMoments = payload.offers.filter((o) => o.experiment).map((o) => o.moments[0]);
    expect(new Set(experimentMoments)).toEqual(
      new Set(["cart", "exit_intent", "checkout", "payment", "post_purchase", "thank_you", "email"]),
    );
    expect(experimentMoments.filter((m) => m === "checkout")).toHaveLength(2);
    expect(payload.settings.momentLimits?.checkout).toBe(2);
    // The published offers decide like the model ones: a drill cart takes both checkout places,
    // the tool case first (each shown or held out).
    const d = decide({
      now: Date.now(),
      moments: ["checkout"],
      buyerKey: "b",
      cart: {
        lines: [
          {
            productId: "gid://shopify/Product/8100000004",
            variantId: "gid://shopify/ProductVariant/4600000400",
            quantity: 1,
            unitPrice: 12900,
          },
        ],
        subtotal: 12900,
        currency: "EUR",
      },
      payload,
    });
    const places = d.moments[0]!.exposures.map((x) => [x.slot, x.offerId.replace(/-[a-z0-9]{8}$/, "")]);
    expect(places).toEqual([
      [1, "demo-drill-case"],
      [2, "demo-drill-insurance"],
    ]);
  });

  test("GIVEN the published demo offers WHEN the demo journey walks Planner Basic (on its plan) THEN the Basic -> Pro plan upgrade shows at payment, swapping the line to Pro on the plan at Pro's price less 20%; with Pro it is already in the cart", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    await ensureDemoOffers(db.prisma, shopId);
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    await publishShop(db.prisma, shop, demoGateway(db.prisma, shopId));
    const payload = (await getPublishedPayload(db.prisma, shopId))!;
    const buyer = (cart: string[]) => ({
      cart,
      currency: "EUR" as const,
      country: "DE",
      locale: "en" as const,
      device: "desktop" as const,
      returning: false,
      journeyKey: "demo-buyer-1",
      acceptAll: false,
    });
    const payment = (cart: string[]) =>
      simulateJourney(payload, buyer(cart), Date.now()).find((s) => s.moment === "payment")!;
    const basic = payment(["saas-basic"]);
    expect(basic.card?.offerId).toMatch(/^demo-saas-pro-/);
    expect(basic.card?.price).toBe("€39.20");
    expect(basic.card?.changes).toEqual([
      expect.stringMatching(
        /^updateCartLine gid:\/\/shopify\/CartLine\/saas-basic -> gid:\/\/shopify\/ProductVariant\/\d+ on gid:\/\/shopify\/SellingPlan\/\d+ x1 /,
      ),
    ]);
    expect(basic.card?.functionCheck).toEqual([expect.stringContaining("Discount Function takes off €9.80")]);
    const pro = payment(["saas-pro"]);
    expect(pro.card).toBeUndefined();
    expect(pro.excluded).toContainEqual(
      expect.objectContaining({ offerId: expect.stringMatching(/^demo-saas-pro-/), reason: "already in the cart" }),
    );
  });

  test("GIVEN the demo shop already has offers WHEN ensured again THEN nothing is added", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    expect(await ensureDemoOffers(db.prisma, shopId)).toBe(0);
    expect(await db.prisma.offer.count({ where: { shopId } })).toBe(DEMO_SEEDED_OFFERS.length);
  });

  test("GIVEN two fresh demo databases WHEN the demo offers are ensured in each THEN the experiment and arm ids match, so seeded traffic is assigned alike", async () => {
    const other = freshDatabase("demo-offers-other");
    try {
      const ids = async (prisma: typeof db.prisma) => {
        const { shopId } = await ensureDemoShop(prisma);
        await ensureDemoOffers(prisma, shopId);
        const experiments = await prisma.experiment.findMany({ where: { shopId }, select: { id: true } });
        const arms = await prisma.offerVariant.findMany({
          where: { offer: { shopId } },
          select: { id: true },
          orderBy: { id: "asc" },
        });
        return { experiments: experiments.map((e) => e.id), arms: arms.map((a) => a.id) };
      };
      const first = await ids(db.prisma);
      expect(first.experiments).toHaveLength(8);
      expect(await ids(other.prisma)).toEqual(first);
    } finally {
      await other.prisma.$disconnect();
    }
  });
});
