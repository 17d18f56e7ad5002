import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { thankYouOfferResponse } from "~/thank-you/http.server";

/**
 * POST /api/thank-you/offer (Authorization: Bearer <checkout session token>): the post-purchase
 * offer for a buyer whose checkout skipped the post-purchase page (decision 026). Body:
 * ThankYouOfferBody (@moments/contracts). Logic in app/thank-you/.
 */
export const loader = ({ request }: LoaderFunctionArgs) => thankYouOfferResponse(request);
export const action = ({ request }: ActionFunctionArgs) => thankYouOfferResponse(request);
