import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { thankYouAcceptResponse } from "~/thank-you/http.server";

/**
 * POST /api/thank-you/accept (Authorization: Bearer <checkout session token>): adds the thank-you
 * offer to the paid order through Shopify's order editing (decision 026). Body: ThankYouAcceptBody
 * (@moments/contracts). Logic in app/thank-you/.
 */
export const loader = ({ request }: LoaderFunctionArgs) => thankYouAcceptResponse(request);
export const action = ({ request }: ActionFunctionArgs) => thankYouAcceptResponse(request);
