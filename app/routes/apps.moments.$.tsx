import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forwardAppProxy } from "~/demo/store/app-proxy.server";

/** Demo mode only: the demo store's `/apps/moments/*`, forwarded and signed as Shopify's app proxy does (404 in real mode). */
export const loader = ({ request, params }: LoaderFunctionArgs) => forwardAppProxy(request, params["*"] ?? "");
export const action = ({ request, params }: ActionFunctionArgs) => forwardAppProxy(request, params["*"] ?? "");
