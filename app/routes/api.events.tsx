import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateCheckout, ingestRequest, isPostPurchaseToken, shopFromDest } from "~/measurement/http.server";
import { CORS_HEADERS, verifyPostPurchaseToken } from "~/post-purchase/token.server";

/**
 * Events from checkout, thank-you and order-status extensions (checkout session token) and from
 * the post-purchase page (its input token). Extensions call cross-origin: CORS on every answer,
 * OPTIONS preflight answered by the library.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  return Response.json({ error: "POST { events: [...] }" }, { status: 405, headers: CORS_HEADERS });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (isPostPurchaseToken(request)) {
    const verified = await verifyPostPurchaseToken(request);
    const outcome = await ingestRequest(request, verified.shopDomain);
    return Response.json(outcome.body, { status: outcome.status, headers: CORS_HEADERS });
  }
  const { sessionToken, cors } = await authenticateCheckout(request);
  const outcome = await ingestRequest(request, shopFromDest(sessionToken.dest));
  return cors(Response.json(outcome.body, { status: outcome.status }));
};
