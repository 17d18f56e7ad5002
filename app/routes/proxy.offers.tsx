import type { LoaderFunctionArgs } from "@remix-run/node";
import { lineFactsForPayload } from "~/catalog/line-facts.server";
import { db } from "~/db.server";
import { getPublishedPayload } from "~/publish/publish.server";
import { verifyAppProxy } from "~/storefront/app-proxy.server";
import { decideStorefront, productsWithoutFacts, StorefrontQuery } from "~/storefront/offers.server";

const json = (body: unknown, status = 200) =>
  Response.json(body, { status, headers: { "Cache-Control": "private, no-store" } });

/**
 * App proxy: the storefront asks `/apps/moments/offers?moment=cart|exit_intent&...` on the shop's
 * domain and Shopify forwards it here, signed. Answers the engine's decision on the shop's
 * published payload (the same one every other surface reads).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
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
  const payload = shop && !shop.uninstalledAt ? await getPublishedPayload(prisma, shop.id) : null;
  if (!shop || !payload) return json({ moment: parsed.data.moment, offers: [], held: [] });
  // Tag and collection triggers need the products' facts: cached, bounded by a timeout, and
  // only looked up when some published offer uses them.
  const facts = await lineFactsForPayload(prisma, shop, payload, productsWithoutFacts(parsed.data));
  return json(decideStorefront(payload, parsed.data, Date.now(), facts));
};
