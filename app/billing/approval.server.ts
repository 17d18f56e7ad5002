import type { Shop } from "@prisma/client";
import { redirect } from "@remix-run/node";
import { env, isDemo } from "~/env.server";
import { authenticate } from "~/shopify.server";

/**
 * Where Shopify sends the merchant back after approving: the app's billing page inside the Shopify
 * admin (so it opens embedded again), by the app's client id.
 */
export function billingReturnUrl(shop: Pick<Shop, "domain">): string {
  const store = shop.domain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/apps/${env().SHOPIFY_API_KEY}/app/billing`;
}

/**
 * Shopify's confirmation page refuses to load in a frame, so the embedded admin leaves the iframe
 * for it: the library's redirect with target `_top` (App Bridge for a document request, its
 * reauthorize headers for a fetch), as shopify-app-remix's own billing.request does. In demo mode
 * there is no frame and no Shopify page: back to the billing page.
 */
export async function redirectToApproval(request: Request, url: string | null): Promise<Response> {
  if (isDemo() || !url) return redirect("/app/billing");
  const { redirect: leaveFrame } = await authenticate.admin(request);
  return leaveFrame(url, { target: "_top" });
}

/** Test charges on development stores and anywhere but production (Shopify bills none of them). */
export const testCharges = (developmentStore: boolean): boolean =>
  developmentStore || process.env.NODE_ENV !== "production" || process.env.MOMENTS_BILLING_TEST === "1";
