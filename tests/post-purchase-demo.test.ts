import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePayload, type Offer } from "@moments/engine";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoProductGid, demoVariantGid } from "~/demo/catalog";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, demoModeEnv, realModeEnv, startServer, type RunningServer } from "./support/server";

/**
 * The demo journey's post-purchase moment (/demo/post-purchase) against the built server in demo
 * mode: the offer for a demo order, accept (signed and verified by the tests' own verifier), decline
 * to the downsell, and nothing of it in real mode.
 */
const product = (pi: number, id: string, priority: number, eur: number, usd: number): Offer => ({
  id,
  status: "active",
  type: "product",
  moments: ["post_purchase"],
  priority,
  items: [{ productId: demoProductGid(pi), variantId: demoVariantGid(pi, 0), quantity: 1, prices: { EUR: eur, USD: usd } }],
  discount: { kind: "percent", percent: 10 },
  copy: { en: { title: `Demo ${id}`, cta: `Add ${id}`, decline: "No thanks" } },
});
// Two unrelated add-ons so that whatever a demo order contains, one of them is still offerable.
const OFFERS = [product(11, "off_onboarding", 90, 9900, 9900), product(9, "off_insurance", 80, 499, 549), product(5, "off_case", 70, 3900, 4200)];

let db: TestDatabase;
let server: RunningServer;
let orderId: string;

beforeAll(async () => {
  db = freshDatabase("post-purchase-demo");
  const { shopId } = await ensureDemoShop(db.prisma, { customers: 6, days: 3, ordersPerDay: 2 });
  const payload = encodePayload(OFFERS, { journeyCap: 10, defaultLocale: "en" }, Date.now() - 60_000);
  await db.prisma.publication.create({ data: { shopId, payload, bytes: payload.length, offerCount: OFFERS.length, publishedAt: new Date() } });
  const orders = await db.prisma.order.findMany({ where: { shopId } });
  // An order without any offered product, so the first offer is predictable.
  const offered = new Set(OFFERS.map((o) => o.items[0]!.productId));
  orderId = orders.find((o) => !(JSON.parse(o.lines) as Array<{ productId: string }>).some((l) => offered.has(l.productId)))!.shopifyId;
  server = await startServer(demoModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const page = (url: string) => `${url}/demo/post-purchase?order=${encodeURIComponent(orderId)}`;
async function get(url: string) {
  const res = await fetch(page(url), { headers: { "User-Agent": BROWSER_UA } });
  return { status: res.status, html: await res.text() };
}
async function submit(fields: Record<string, string>) {
  const res = await fetch(page(server.url), { method: "POST", headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  return { status: res.status, html: await res.text() };
}
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe("/demo/post-purchase", () => {
  it("GIVEN a demo order WHEN the page opens THEN the first post-purchase offer is shown with its price", async () => {
    const { status, html } = await get(server.url);
    expect(status).toBe(200);
    expect(html).toContain("Demo off_onboarding");
    expect(html).toContain("Step 1 of 3");
  });

  it("GIVEN the offer WHEN the buyer accepts THEN the page shows the changeset signed and verified, with the server's price", async () => {
    const { html } = await get(server.url);
    const { status, html: after } = await submit({ intent: "accept", offerId: "off_onboarding", multiple: "1", final: hidden(html, "final")!, currency: hidden(html, "currency")! });
    expect(status).toBe(200);
    expect(after).toContain("Changeset signed and verified");
    expect(after).toContain("&quot;type&quot;: &quot;add_variant&quot;");
    expect(after).toContain(`&quot;variantId&quot;: ${demoVariantGid(11, 0).split("/").pop()}`);
    expect(await db.prisma.postPurchaseUpsell.count({ where: { offerId: "off_onboarding" } })).toBe(1);
  });

  it("GIVEN the next offer WHEN the buyer declines THEN the downsell follows, and a tampered price is refused", async () => {
    const { html } = await get(server.url);
    expect(html).toContain("Demo off_insurance");
    const tampered = await submit({ intent: "accept", offerId: "off_insurance", multiple: "1", final: "1", currency: hidden(html, "currency")! });
    expect(tampered.html).toContain("Refused (409)");
    await submit({ intent: "decline", offerId: "off_insurance" });
    const next = await get(server.url);
    expect(next.html).toContain("Demo off_case");
    expect(next.html).toContain("Step 3 of 3");
    expect(await db.prisma.postPurchaseUpsell.count({ where: { offerId: "off_insurance" } })).toBe(0);
  });

  it("GIVEN real (Shopify) mode WHEN the demo page is asked for THEN 404", async () => {
    const real = await startServer(realModeEnv(db.url));
    try {
      expect((await get(real.url)).status).toBe(404);
    } finally {
      await real.stop();
    }
  });
});
