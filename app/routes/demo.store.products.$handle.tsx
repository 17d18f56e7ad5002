import type { LoaderFunctionArgs } from "@remix-run/node";
import { storePageResponse } from "~/demo/store/pages.server";

/** Demo mode only: a product page of the demo storefront (add to cart, the app embed). */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  storePageResponse(request, "product", params.handle ?? "");
