import type { z } from "zod";
import { db } from "~/db.server";
import { getPublishedPayload } from "~/publish/publish.server";
import {
  AddBody,
  addItems,
  changeLine,
  ChangeBody,
  updateCart,
  UpdateBody,
  type Cart,
  type CartError,
} from "./cart.server";
import { cartJs, lineJs, priceCart } from "./cart-view.server";
import { cartCookie, cartOf, carts, demoStoreShop } from "./shop.server";
import { STORE_ROOT } from "./theme.server";

/**
 * The demo storefront's Cart AJAX API, in Shopify's shapes: `GET cart.js`; `POST cart/add.js`,
 * `cart/change.js`, `cart/update.js`, `cart/clear.js` with a JSON or form body; the same paths
 * without `.js` are the theme's plain form posts and answer with a redirect to the cart page.
 */
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
const refused = (e: CartError) => json(e, e.status);

type Parsed = { ok: true; body: unknown } | { ok: false; response: Response };

/** A JSON body, or a form body with Shopify's bracketed names (`properties[Size]`, `attributes[k]`, `updates[key]`). */
async function readBody(request: Request): Promise<Parsed> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return { ok: true, body: await request.json() };
    const form = await request.formData();
    const body: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value !== "string") continue;
      const nested = /^(properties|attributes|updates)\[([^\]]+)\]$/.exec(name);
      if (nested) ((body[nested[1]!] ??= {}) as Record<string, string>)[nested[2]!] = value;
      else body[name] = value;
    }
    return { ok: true, body };
  } catch {
    return {
      ok: false,
      response: refused({ status: 400, message: "Bad Request", description: "The body is neither JSON nor a form" }),
    };
  }
}

function parse<T extends z.ZodType>(
  schema: T,
  body: unknown,
): { ok: true; data: z.output<T> } | { ok: false; response: Response } {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0]!;
  return {
    ok: false,
    response: refused({
      status: 422,
      message: "Cart Error",
      description: `${issue.path.join(".") || "body"}: ${issue.message}`,
    }),
  };
}

const ACTIONS = new Set<string>(["add", "change", "update", "clear"]);

/**
 * `/demo/store/cart/<action>[.js]`. The change applies to a copy of the cart, kept only when
 * Shopify would accept all of it.
 */
export async function cartAction(request: Request, path: string): Promise<Response> {
  const shop = await demoStoreShop(request);
  const ajax = path.endsWith(".js");
  const action = ajax ? path.slice(0, -3) : path;
  if (!ACTIONS.has(action))
    return json({ status: 404, message: "Not Found", description: `No cart endpoint ${path}` }, 404);
  if (request.method !== "POST")
    return json({ status: 405, message: "Method Not Allowed", description: "POST only" }, 405);
  const read = await readBody(request);
  if (!read.ok) return read.response;
  const current = cartOf(request);
  const cart: Cart = {
    ...current,
    lines: current.lines.map((l) => ({ ...l, properties: { ...l.properties } })),
    attributes: { ...current.attributes },
  };
  let added: Cart["lines"] = [];
  let single = false;
  if (action === "add") {
    const p = parse(AddBody, read.body);
    if (!p.ok) return p.response;
    single = !(read.body && typeof read.body === "object" && "items" in read.body);
    const r = addItems(cart, p.data.items);
    if (!Array.isArray(r)) return refused(r);
    added = r;
  } else if (action === "change") {
    const p = parse(ChangeBody, read.body);
    if (!p.ok) return p.response;
    const r = changeLine(cart, p.data);
    if (r) return refused(r);
  } else if (action === "update") {
    const p = parse(UpdateBody, read.body);
    if (!p.ok) return p.response;
    const r = updateCart(cart, p.data);
    if (r) return refused(r);
  } else {
    cart.lines = [];
  }
  carts.save(cart);
  const headers = { "Set-Cookie": cartCookie(cart) };
  if (!ajax) return new Response(null, { status: 303, headers: { ...headers, Location: `${STORE_ROOT}/cart` } });
  const priced = priceCart(cart, shop.currency, await getPublishedPayload(db(), shop.id), Date.now());
  if (action !== "add") return json(cartJs(priced, STORE_ROOT), 200, headers);
  const lines = added.map((a) =>
    lineJs(
      priced.lines.find((l) => l.line === a)!,
      STORE_ROOT,
    ),
  );
  return json(single ? lines[0] : { items: lines }, 200, headers);
}

/** `GET /demo/store/cart.js`. */
export async function cartJsResponse(request: Request): Promise<Response> {
  const shop = await demoStoreShop(request);
  const priced = priceCart(cartOf(request), shop.currency, await getPublishedPayload(db(), shop.id), Date.now());
  return json(cartJs(priced, STORE_ROOT));
}
