import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { variantById } from "./catalog";

/**
 * The demo storefront's carts, kept the way Shopify's Cart AJAX API behaves for the theme and the
 * Moments script: lines keyed by variant and properties (the same variant with the same
 * properties adds up), cart attributes (a blank value removes one), stock checked on add. Carts
 * live in this process's memory, bounded (the oldest untouched cart goes first) and found by the
 * visitor's `cart` cookie, as Shopify finds them: the demo keeps no cart across restarts.
 */
export interface CartLine {
  variantId: number;
  quantity: number;
  properties: Record<string, string>;
}
export interface Cart {
  token: string;
  lines: CartLine[];
  attributes: Record<string, string>;
  note: string;
}

/** What Shopify answers a refused cart change with (422 for stock, 400 for a malformed change). */
export interface CartError {
  status: 400 | 404 | 422;
  message: string;
  description: string;
}

export const MAX_CARTS = 500;
export const MAX_LINES = 50;
export const MAX_LINE_QUANTITY = 999;

const text = (max: number) =>
  z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(z.string().max(max));
const properties = z
  .record(z.string().min(1).max(100), text(1000))
  .refine((p) => Object.keys(p).length <= 25, "at most 25 properties")
  .nullish()
  .transform((p) => p ?? {});
const quantity = z.coerce.number().int().min(0).max(MAX_LINE_QUANTITY);
const variant = z.coerce.number().int().positive();

/** One item of `POST /cart/add.js`: `{ id, quantity?, properties? }`. */
export const AddItem = z.object({ id: variant, quantity: quantity.min(1).default(1), properties });
export type AddItem = z.output<typeof AddItem>;
/** `POST /cart/add.js`: `{ items: [...] }` or a single item. */
export const AddBody = z.union([
  z.object({ items: z.array(AddItem).min(1).max(MAX_LINES) }),
  AddItem.transform((i) => ({ items: [i] })),
]);
/** `POST /cart/change.js`: the line by its key or variant id (`id`) or its 1-based position (`line`). */
export const ChangeBody = z
  .object({
    id: z.union([z.string().max(200), z.number()]).optional(),
    line: z.coerce.number().int().min(1).optional(),
    quantity,
  })
  .refine((b) => b.id !== undefined || b.line !== undefined, "no valid id or line parameter");
/** `POST /cart/update.js`: attributes, quantities by line key or variant id, the note. */
export const UpdateBody = z.object({
  attributes: z
    .record(z.string().min(1).max(100), text(1000))
    .refine((a) => Object.keys(a).length <= 25, "at most 25 attributes")
    .optional(),
  updates: z.union([z.record(z.string().max(200), quantity), z.array(quantity).max(MAX_LINES)]).optional(),
  note: z.string().max(5000).optional(),
});

/** Shopify's line item key: the variant id and a digest of the line's properties. */
export function lineKey(l: Pick<CartLine, "variantId" | "properties">): string {
  const props = Object.keys(l.properties)
    .sort()
    .map((k) => [k, l.properties[k]]);
  return `${l.variantId}:${createHash("md5").update(JSON.stringify(props)).digest("hex")}`;
}

const error = (status: CartError["status"], description: string): CartError => ({
  status,
  message: "Cart Error",
  description,
});

/** Adds the items (all or none): a known variant, in stock for what the cart then holds. */
export function addItems(cart: Cart, items: AddItem[]): CartLine[] | CartError {
  const lines = cart.lines.map((l) => ({ ...l }));
  const added: CartLine[] = [];
  for (const item of items) {
    const v = variantById(item.id);
    if (!v) return error(422, `Cannot find variant ${item.id}`);
    const inCart = lines.filter((l) => l.variantId === item.id).reduce((s, l) => s + l.quantity, 0);
    if (inCart + item.quantity > v.inventory)
      return error(422, `All ${v.inventory} ${v.product.title} are in your cart.`);
    const key = lineKey({ variantId: item.id, properties: item.properties });
    let line = lines.find((l) => lineKey(l) === key);
    if (line) {
      if (line.quantity + item.quantity > MAX_LINE_QUANTITY)
        return error(422, `At most ${MAX_LINE_QUANTITY} of one item.`);
      line.quantity += item.quantity;
    } else {
      if (lines.length >= MAX_LINES) return error(422, `A cart holds at most ${MAX_LINES} lines.`);
      line = { variantId: item.id, quantity: item.quantity, properties: { ...item.properties } };
      lines.push(line);
    }
    added.push(line);
  }
  cart.lines = lines;
  return added;
}

function findLine(cart: Cart, ref: string | number): number {
  const s = String(ref);
  // A line key, else a variant id (its first line), as Shopify reads `id`.
  const byKey = cart.lines.findIndex((l) => lineKey(l) === s);
  return byKey >= 0 ? byKey : cart.lines.findIndex((l) => String(l.variantId) === s);
}

function setQuantity(cart: Cart, index: number, qty: number): CartError | null {
  const line = cart.lines[index]!;
  const v = variantById(line.variantId)!;
  const others = cart.lines
    .filter((l, i) => i !== index && l.variantId === line.variantId)
    .reduce((s, l) => s + l.quantity, 0);
  if (others + qty > v.inventory) return error(422, `All ${v.inventory} ${v.product.title} are in your cart.`);
  if (qty === 0) cart.lines.splice(index, 1);
  else line.quantity = qty;
  return null;
}

/** Sets one line's quantity (0 removes it). */
export function changeLine(cart: Cart, body: z.output<typeof ChangeBody>): CartError | null {
  const index = body.line !== undefined ? body.line - 1 : findLine(cart, body.id!);
  if (index < 0 || index >= cart.lines.length) return error(400, "no valid id or line parameter");
  return setQuantity(cart, index, body.quantity);
}

/** Cart attributes (blank removes), quantities and the note. */
export function updateCart(cart: Cart, body: z.output<typeof UpdateBody>): CartError | null {
  for (const [k, v] of Object.entries(body.attributes ?? {})) {
    if (v === "") delete cart.attributes[k];
    else cart.attributes[k] = v;
  }
  if (Object.keys(cart.attributes).length > 25) return error(422, "at most 25 attributes");
  if (body.note !== undefined) cart.note = body.note;
  const updates = Array.isArray(body.updates)
    ? body.updates.map((q, i) => [i, q] as const)
    : Object.entries(body.updates ?? {});
  // Positions and keys are read against the cart as it was, then applied from the last line back.
  const targets = updates
    .map(([ref, qty]) => [typeof ref === "number" ? ref : findLine(cart, ref), qty] as const)
    .filter(([i]) => i >= 0 && i < cart.lines.length)
    .sort(([a], [b]) => b - a);
  for (const [i, qty] of targets) {
    const refused = setQuantity(cart, i, qty);
    if (refused) return refused;
  }
  return null;
}

/** In-memory carts by token, bounded: reading or writing a cart makes it the newest. */
export class CartStore {
  private readonly carts = new Map<string, Cart>();
  constructor(private readonly max = MAX_CARTS) {}

  /** The visitor's cart, or a new empty one (kept only once `save`d). */
  get(token: string | null | undefined): Cart {
    const found = token ? this.carts.get(token) : undefined;
    if (!found) return { token: randomBytes(16).toString("hex"), lines: [], attributes: {}, note: "" };
    this.carts.delete(found.token);
    this.carts.set(found.token, found);
    return found;
  }

  save(cart: Cart): void {
    this.carts.delete(cart.token);
    this.carts.set(cart.token, cart);
    while (this.carts.size > this.max) this.carts.delete(this.carts.keys().next().value!);
  }

  get size(): number {
    return this.carts.size;
  }
}
