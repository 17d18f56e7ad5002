import type { LoaderFunctionArgs } from "@remix-run/node";
import { storeAssetResponse } from "~/demo/store/pages.server";

/** Demo mode only: the theme app extension's built assets (extensions/moments-theme/assets), served as they are. */
export const loader = ({ request, params }: LoaderFunctionArgs) => storeAssetResponse(request, params.file ?? "");
