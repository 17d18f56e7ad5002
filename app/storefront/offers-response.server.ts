import { lineFactsForPayload } from "~/catalog/line-facts.server";
import { db } from "~/db.server";
import { ingestEvents } from "~/measurement/ingest.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { verifyAppProxy } from "./app-proxy.server";
import { withJourneyPins } from "~/allocation/pins.server";
import { decideStorefront, productsWithoutFacts, storefrontExposureEvents, StorefrontQuery } from "./offers.server";

const json = (body: unknown, status = 200) =>
  Response.json(body, { status, headers: { "Cache-Control": "private, no-store" } });

/**
 * GET /proxy/offers: the storefront asks `/apps/moments/offers?moment=cart|exit_intent&...` on the
 * shop's domain and Shopify forwards it here, signed. Answers the engine's decision on the shop's
 * published payload (the same one every other surface reads), and logs the moment's experiment
 * exposures (hold-out and variants alike) here, where it decided: the script only renders.
 */
export async function storefrontOffersResponse(request: Request): Promise<Response> {
  const auth = await verifyAppProxy(request);
  if (!auth.ok) return auth.response;
  const parsed = StorefrontQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return json({ error: `${issue.path.join(".") || "query"}: ${issue.message}` }, 400);
  }
  const prisma = db();
  const shop = await prisma.shop.findUnique({
    where: { domain: auth.shop },
    select: { id: true, domain: true, currency: true, isDemo: true, uninstalledAt: true },
  });
  const published = shop && !shop.uninstalledAt ? await getPublishedPayload(prisma, shop.id) : null;
  if (!shop || !published) return json({ moment: parsed.data.moment, offers: [] });
  // A buyer keeps the arm first counted in this journey when the weights moved since (decision 030).
  const payload = await withJourneyPins(prisma, shop.id, parsed.data.jk, published);
  // Tag and collection triggers need the products' facts: cached, bounded by a timeout, and
  // only looked up when some published offer uses them.
  const facts = await lineFactsForPayload(prisma, shop, payload, productsWithoutFacts(parsed.data));
  const now = Date.now();
  const { exposures, ...wire } = decideStorefront(payload, parsed.data, now, facts);
  if (exposures.length) {
    // Deterministic event ids: a second decision for the same journey is a harmless duplicate.
    // A failed write loses measurement, never the buyer's offer.
    await ingestEvents(prisma, shop.id, storefrontExposureEvents(exposures, parsed.data, now), new Date(now)).catch(
      (error: unknown) => console.error("storefront: exposures not recorded", error),
    );
  }
  return json(wire);
}
