/**
 * A product image at the width a surface shows it. Shopify's CDN resizes on request (`width`), so
 * an email or a storefront card does not load a 2048 px original for a 136 px slot; other URLs
 * (the demo's illustrations, other hosts) are returned as they are.
 */
export function sizedImage(url: string, width: number): string {
  if (!url.startsWith("https://cdn.shopify.com/") || /[?&]width=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}width=${width}`;
}
