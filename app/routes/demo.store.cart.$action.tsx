import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { cartAction } from "~/demo/store/cart-api.server";

/** Demo mode only: the demo storefront's `POST /cart/add.js`, `change.js`, `update.js`, `clear.js` and their form posts. */
export const action = ({ request, params }: ActionFunctionArgs) => cartAction(request, params.action ?? "");
export const loader = ({ request, params }: LoaderFunctionArgs) => cartAction(request, params.action ?? "");
