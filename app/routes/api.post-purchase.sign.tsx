import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { SignRequest, signPostPurchaseOffer } from "~/post-purchase/changeset.server";
import { appCredentials, postPurchaseAction, postPurchaseLoader } from "~/post-purchase/context.server";
import { jsonError, jsonResponse } from "~/post-purchase/token.server";

/**
 * POST /api/post-purchase/sign (Authorization: Bearer <inputData.token>)
 * Body: { referenceId, offerId, multiple?, expected: { final, currency } }.
 * Answers { token } (the changeset JWT for applyChangeset) or 4xx { error } with nothing signed.
 */
export const loader = postPurchaseLoader;

export const action = ({ request }: ActionFunctionArgs) =>
  postPurchaseAction(request, async ({ shop, purchase }, raw) => {
    const body = SignRequest.safeParse(raw);
    if (!body.success) {
      const issue = body.error.issues[0]!;
      return jsonError(400, `${issue.path.join(".")}: ${issue.message}`);
    }
    const outcome = await signPostPurchaseOffer(db(), shop.id, purchase, body.data, appCredentials());
    if (!outcome.ok) return jsonError(outcome.status, outcome.reason);
    return jsonResponse(200, { token: outcome.token });
  });
