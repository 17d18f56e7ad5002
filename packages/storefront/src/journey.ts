import { ARMS_ATTR, ARMS_MAX, ARMS_MAX_LENGTH } from "@moments/contracts";

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

/** localStorage: the `_moments_arms` value this browser last wrote on its cart. */
const ARMS = "moments_arms";

/**
 * Carries the arms the app proxy decided for this journey into the checkout (decision 035): adds
 * the new ones (the first per experiment version stays) to `_moments_arms` and writes it on the
 * cart when it changed, or when the cart's own value is known (`inCart`) and is not it (a new cart
 * after an order). Bounded like its readers (ARMS_MAX entries, the oldest dropped). Never throws:
 * without it the checkout decides as before.
 */
export function keepArms(
  post: (path: string, body: unknown) => Promise<{ ok: boolean }>,
  store: Pick<Storage, "getItem" | "setItem">,
  key: string,
  arms: readonly string[] | undefined,
  inCart?: string,
): Promise<boolean> {
  const kept = (store.getItem(ARMS) || "").split(" ");
  let list = kept[0] === key ? kept.slice(1) : [];
  const was = list.join();
  for (const a of arms || [])
    if (!list.some((e) => e.slice(0, e.lastIndexOf(":")) === a.slice(0, a.lastIndexOf(":")))) list.push(a);
  list = list.slice(-ARMS_MAX);
  const value = [key, ...list].join(" ");
  if (
    !list.length ||
    value.length > ARMS_MAX_LENGTH ||
    (list.join() === was && (inCart === undefined || inCart === value))
  )
    return Promise.resolve(false);
  store.setItem(ARMS, value);
  return post("cart/update.js", { attributes: { [ARMS_ATTR]: value } })
    .then((r) => r.ok)
    .catch(() => false);
}
