import type { Payload } from "@moments/engine";
import { unitPrice, variantById, type StoreProduct, type StoreVariant } from "./catalog";
import { lineKey, type Cart, type CartLine } from "./cart.server";
import { functionDiscounts } from "./discounts.server";

/**
 * A demo cart priced as Shopify prices it for the storefront: list prices of the store's currency,
 * less what the Discount Function takes off offer lines; and its two views, the Cart AJAX API's
 * `/cart.js` JSON and Liquid's `cart` object. Amounts are integer cents of the currency, as both
 * of Shopify's give them.
 */
export interface PricedLine {
  line: CartLine;
  key: string;
  variant: StoreVariant;
  unitPrice: number;
  originalLinePrice: number;
  discount: number;
  finalLinePrice: number;
}
export interface PricedCart {
  cart: Cart;
  currency: string;
  lines: PricedLine[];
  itemCount: number;
  originalTotal: number;
  totalDiscount: number;
  total: number;
}

/** The Discount Function's message on the lines it discounts (its `candidates[].message`). */
export const DISCOUNT_TITLE = "Offer price";

export function priceCart(cart: Cart, currency: string, payload: Payload | null, now: number): PricedCart {
  const known = cart.lines.flatMap((line) => {
    const variant = variantById(line.variantId);
    return variant ? [{ line, variant, unitPrice: unitPrice(variant, currency) }] : [];
  });
  const off = functionDiscounts(
    payload,
    known.map((l) => ({
      variant: l.variant,
      quantity: l.line.quantity,
      unitPrice: l.unitPrice,
      properties: l.line.properties,
    })),
    currency,
    now,
  );
  const lines = known.map((l, i): PricedLine => {
    const originalLinePrice = l.unitPrice * l.line.quantity;
    return {
      ...l,
      key: lineKey(l.line),
      originalLinePrice,
      discount: off[i]!,
      finalLinePrice: originalLinePrice - off[i]!,
    };
  });
  const originalTotal = lines.reduce((s, l) => s + l.originalLinePrice, 0);
  const totalDiscount = lines.reduce((s, l) => s + l.discount, 0);
  return {
    cart,
    currency,
    lines,
    itemCount: lines.reduce((s, l) => s + l.line.quantity, 0),
    originalTotal,
    totalDiscount,
    total: originalTotal - totalDiscount,
  };
}

export const productUrl = (root: string, p: StoreProduct) => `${root}/products/${p.handle}`;

/** One line of `/cart.js` (and of `/cart/add.js`'s answer). */
export function lineJs(l: PricedLine, root: string) {
  const p = l.variant.product;
  const finalPrice = Math.floor(l.finalLinePrice / l.line.quantity);
  const discounts = l.discount ? [{ amount: l.discount, title: DISCOUNT_TITLE }] : [];
  return {
    id: l.variant.id,
    properties: l.line.properties,
    quantity: l.line.quantity,
    variant_id: l.variant.id,
    key: l.key,
    title: p.variants.length > 1 ? `${p.title} - ${l.variant.title}` : p.title,
    price: l.unitPrice,
    original_price: l.unitPrice,
    discounted_price: finalPrice,
    line_price: l.finalLinePrice,
    original_line_price: l.originalLinePrice,
    final_price: finalPrice,
    final_line_price: l.finalLinePrice,
    total_discount: l.discount,
    discounts,
    line_level_discount_allocations: discounts.map((d) => ({
      amount: d.amount,
      discount_application: { type: "automatic", title: d.title },
    })),
    line_level_total_discount: l.discount,
    sku: l.variant.key.toUpperCase(),
    grams: 0,
    vendor: p.vendor,
    taxable: true,
    product_id: p.id,
    product_has_only_default_variant: p.variants.length === 1,
    gift_card: false,
    url: `${productUrl(root, p)}?variant=${l.variant.id}`,
    featured_image: { url: p.image, alt: p.title, width: 400, height: 400, aspect_ratio: 1 },
    image: p.image,
    handle: p.handle,
    requires_shipping: true,
    product_type: p.productType,
    product_title: p.title,
    product_description: "",
    variant_title: p.variants.length > 1 ? l.variant.title : null,
    variant_options: [l.variant.title],
  };
}

/** `GET /cart.js`. */
export function cartJs(p: PricedCart, root: string) {
  return {
    token: p.cart.token,
    note: p.cart.note,
    attributes: p.cart.attributes,
    original_total_price: p.originalTotal,
    total_price: p.total,
    total_discount: p.totalDiscount,
    total_weight: 0,
    item_count: p.itemCount,
    items: p.lines.map((l) => lineJs(l, root)),
    requires_shipping: p.lines.length > 0,
    currency: p.currency,
    items_subtotal_price: p.total,
    cart_level_discount_applications: [],
  };
}

/** Liquid's `product` (the fields the demo theme and the extension's snippet read). */
export function productLiquid(p: StoreProduct, currency: string, root: string) {
  const variants = p.variants.map((v) => ({
    id: v.id,
    title: v.title,
    price: unitPrice(v, currency),
    available: v.inventory > 0,
  }));
  return {
    id: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    type: p.productType,
    featured_image: { src: p.image, alt: p.title, width: 400, height: 400 },
    tags: p.tags,
    collections: p.collections,
    url: productUrl(root, p),
    price: Math.min(...variants.map((v) => v.price)),
    variants,
    has_only_default_variant: variants.length === 1,
    selected_or_first_available_variant: variants.find((v) => v.available) ?? variants[0],
  };
}

/** Liquid's `cart`. */
export function cartLiquid(p: PricedCart, root: string) {
  return {
    item_count: p.itemCount,
    currency: { iso_code: p.currency },
    attributes: p.cart.attributes,
    note: p.cart.note,
    original_total_price: p.originalTotal,
    total_discount: p.totalDiscount,
    total_price: p.total,
    items: p.lines.map((l, i) => ({
      index: i + 1,
      key: l.key,
      product_id: l.variant.product.id,
      variant_id: l.variant.id,
      quantity: l.line.quantity,
      price: l.unitPrice,
      original_price: l.unitPrice,
      final_price: Math.floor(l.finalLinePrice / l.line.quantity),
      original_line_price: l.originalLinePrice,
      final_line_price: l.finalLinePrice,
      line_level_total_discount: l.discount,
      discount_title: l.discount ? DISCOUNT_TITLE : "",
      vendor: l.variant.product.vendor,
      title: l.variant.product.title,
      variant_title: l.variant.product.variants.length > 1 ? l.variant.title : "",
      url: `${productUrl(root, l.variant.product)}?variant=${l.variant.id}`,
      properties: l.line.properties,
      product: productLiquid(l.variant.product, p.currency, root),
    })),
  };
}
