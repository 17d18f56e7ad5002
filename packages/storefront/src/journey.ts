/** The cart (and so checkout and order note) attribute of the journey key: engine `ATTR.journey`. */
export const JOURNEY_ATTR = "_moments_journey";
/** localStorage: the journey key this browser last wrote on its cart. */
const WRITTEN = "moments_jkc";

/**
 * Puts the storefront's journey key on the cart with the Cart AJAX API (`POST cart/update.js`
 * with `attributes`): cart attributes flow into checkout and become the order's note attributes,
 * so the order joins the exposures logged under this key. `inCart` is the cart's own value when
 * known: a cart that carries a key keeps it (checkout and the thank-you link wrote it for their
 * journey), "" means the cart lost it (a new cart after an order) and it is written again;
 * undefined (not known) writes once per key. Never throws and never holds the page up: the buyer
 * loses nothing when it fails, measurement one order.
 */
export function tagCart(
  post: (path: string, body: unknown) => Promise<{ ok: boolean }>,
  store: Pick<Storage, "getItem" | "setItem">,
  key: string,
  inCart: string | undefined,
): Promise<boolean> {
  if (inCart || (inCart === undefined && store.getItem(WRITTEN) === key)) return Promise.resolve(false);
  return post("cart/update.js", { attributes: { [JOURNEY_ATTR]: key } })
    .then((r) => {
      if (r.ok) store.setItem(WRITTEN, key);
      return r.ok;
    })
    .catch(() => false);
}
