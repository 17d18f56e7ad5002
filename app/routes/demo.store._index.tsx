import type { LoaderFunctionArgs } from "@remix-run/node";
import { storePageResponse } from "~/demo/store/pages.server";

/** Demo mode only: the demo storefront's home page, a theme page with the Moments app embed. */
export const loader = ({ request }: LoaderFunctionArgs) => storePageResponse(request, "index");
