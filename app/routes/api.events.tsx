import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { checkoutEventsResponse } from "~/measurement/http.server";

/** Events from checkout, thank-you, order-status and post-purchase (measurement/http.server.ts). */
export const loader = async ({ request }: LoaderFunctionArgs) => checkoutEventsResponse(request);
export const action = async ({ request }: ActionFunctionArgs) => checkoutEventsResponse(request);
