import type { ThankYouOrderRef } from "@moments/contracts";
import type { Payload } from "@moments/engine";
import { opt, valueOf, type Host } from "./host";

/**
 * The thank-you page's side of adding an offer to the paid order (decision 026). The page knows its
 * order (`shopify.orderConfirmation`, purchase.thank-you targets only) and its checkout token; the
 * app re-reads that order from Shopify, decides and prices the offer itself and edits the order.
 */

/** The order this page confirms, or undefined where the target has no Order API (order status) or no token. */
export function orderRef(shopify: Host): ThankYouOrderRef | undefined {
  const confirmation = valueOf(opt(shopify, "orderConfirmation"));
  const token = valueOf(opt(shopify, "checkoutToken"));
  return confirmation && token ? { orderId: confirmation.order.id, checkoutToken: token } : undefined;
}

/** The merchant's choice (Settings, in the payload): added to the paid order unless "new_checkout". */
export const addsToOrder = (payload: Payload) => payload.settings.thankYouAccept !== "new_checkout";

/** Does the shop publish a post-purchase offer the thank-you page might show for a wallet checkout? */
export const hasPostPurchase = (payload: Payload) =>
  payload.offers.some((o) => o.moments.indexOf("post_purchase") >= 0);

export type Send = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

/**
 * POSTs `body` to the app with the checkout session token; resolves the answer's JSON, rejects on a
 * refusal (its `error`), a network failure or after `timeoutMs` (the page never waits longer).
 */
export function callApp<T>(
  shopify: Host,
  base: string,
  path: string,
  body: object,
  send: Send = (u, i) => fetch(u, i),
  timeoutMs = 8000,
): Promise<T> {
  const call = Promise.resolve()
    .then(() => (shopify.sessionToken ? shopify.sessionToken.get() : ""))
    .then((token) =>
      send(base.replace(/\/$/, "") + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
        body: JSON.stringify(body),
      }),
    )
    .then((res) =>
      res.json().then((json) => {
        if (!res.ok) throw new Error((json as { error?: string }).error || "refused");
        return json as T;
      }),
    );
  const late = new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs));
  return Promise.race([call, late]);
}
