import type { LoaderFunctionArgs } from "@remix-run/node";
import { storefrontOffersResponse } from "~/storefront/offers-response.server";

/** App proxy: the storefront's offers (storefront/offers-response.server.ts). */
export const loader = async ({ request }: LoaderFunctionArgs) => storefrontOffersResponse(request);
