import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { SignRequest, signPostPurchaseOffer } from "~/post-purchase/changeset.server";
import { appCredentials, jsonBody, requirePostPurchase } from "~/post-purchase/context.server";
import { CORS_HEADERS, jsonError, jsonResponse } from "~/post-purchase/token.server";

/**
 * POST /api/post-purchase/sign (Authorization: Bearer <inputData.token>)
 * Body: { referenceId, offerId, multiple?, expected: { final, currency } }.
 * Answers { token } (the changeset JWT for applyChangeset) or 4xx { error } with nothing signed.
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  request.method === "OPTIONS" ? new Response(null, { status: 204, headers: CORS_HEADERS }) : jsonError(405, "use POST");

export async function action({ request }: ActionFunctionArgs) {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (request.method !== "POST") return jsonError(405, "use POST");
  const { shop, purchase } = await requirePostPurchase(request);
  const body = SignRequest.safeParse(await jsonBody(request));
  if (!body.success) {
    const issue = body.error.issues[0]!;
    return jsonError(400, `${issue.path.join(".")}: ${issue.message}`);
  }
  const outcome = await signPostPurchaseOffer(db(), shop.id, purchase, body.data, appCredentials());
  if (!outcome.ok) return jsonError(outcome.status, outcome.reason);
  return jsonResponse(200, { token: outcome.token });
}
