import type { LoaderFunctionArgs } from "@remix-run/node";
import { cartJsResponse } from "~/demo/store/cart-api.server";

/** Demo mode only: the demo storefront's `GET /cart.js` (Cart AJAX API). */
export const loader = ({ request }: LoaderFunctionArgs) => cartJsResponse(request);
