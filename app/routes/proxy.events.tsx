import type { ActionFunctionArgs } from "@remix-run/node";
import { proxyEventsResponse } from "~/measurement/http.server";

/** Storefront events through the app proxy (measurement/http.server.ts). */
export const action = async ({ request }: ActionFunctionArgs) => proxyEventsResponse(request);
