import type { LoaderFunctionArgs } from "@remix-run/node";
import { storePageResponse } from "~/demo/store/pages.server";

/** Demo mode only: the demo storefront's cart page, with the "Complete your order" app block. */
export const loader = ({ request }: LoaderFunctionArgs) => storePageResponse(request, "cart");
