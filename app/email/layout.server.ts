/**
 * The offer's rows of the follow-up email in its layout (decision 024): `card` (the product image
 * beside the copy), `compact` (a small thumbnail beside the headline and price, no text) or
 * `banner` (the image across the email above a large headline and a full-width button). Table
 * markup with inline styles, as email clients need; every value arrives escaped.
 */
import type { Design } from "@moments/engine";

export interface OfferRowsHtml {
  design: Design | undefined;
  /** Absolute image URL (escaped), or null. */
  image: string | null;
  alt: string;
  title: string;
  /** The text, or "" (not shown in `compact`). */
  body: string;
  /** The price paragraph's inner HTML and the discount code paragraph ("" without a code). */
  price: string;
  code: string;
  cta: string;
  href: string;
}

const button = (href: string, cta: string, full: boolean) =>
  `<a href="${href}" style="display:${full ? "block;text-align:center" : "inline-block;white-space:nowrap"};background:#111827;color:#ffffff;text-decoration:none;padding:${full ? "14px 20px" : "12px 20px"};border-radius:8px;font-weight:600">${cta}</a>`;

export function offerRowsHtml(o: OfferRowsHtml): string {
  const img = (size: number) =>
    o.image
      ? `<img src="${o.image}" alt="${o.alt}" width="${size}" height="${size}" style="display:block;width:${size}px;height:${size}px;object-fit:cover;border-radius:8px;border:1px solid #e5e7eb">`
      : "";
  const body = o.body ? `<p style="margin:0 0 8px">${o.body}</p>` : "";
  if (o.design === "compact")
    return `<tr><td style="padding:16px 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border:1px solid #e5e7eb;border-radius:10px"><tr>
${o.image ? `<td width="88" style="padding:12px 0 12px 12px;vertical-align:middle">${img(64)}</td>` : ""}<td style="padding:12px;vertical-align:middle"><h1 style="font-size:17px;margin:0 0 4px">${o.title}</h1><p style="margin:0;font-size:15px">${o.price}</p>${o.code}</td>
<td align="right" style="padding:12px;vertical-align:middle">${button(o.href, o.cta, false)}</td></tr></table></td></tr>`;
  if (o.design === "banner")
    return `${o.image ? `<tr><td style="padding:0 24px"><div style="background:#eef1f6;border-radius:10px"><img src="${o.image}" alt="${o.alt}" width="552" style="display:block;width:100%;max-width:552px;height:auto;max-height:320px;object-fit:contain;border-radius:10px"></div></td></tr>` : ""}
<tr><td style="padding:20px 24px 0"><h1 style="font-size:26px;line-height:1.25;margin:0 0 10px">${o.title}</h1>${body}
<p style="margin:0 0 8px;font-size:19px">${o.price}</p>${o.code}</td></tr>
<tr><td style="padding:16px 24px 24px">${button(o.href, o.cta, true)}</td></tr>`;
  return `<tr><td style="padding:16px 24px 0"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>
${o.image ? `<td width="156" style="padding:0 20px 0 0;vertical-align:top">${img(136)}</td>` : ""}<td style="vertical-align:top"><h1 style="font-size:22px;margin:0 0 8px">${o.title}</h1>${body}
<p style="margin:0 0 8px;font-size:18px">${o.price}</p>${o.code}
<p style="margin:16px 0 0">${button(o.href, o.cta, false)}</p></td></tr></table></td></tr>
<tr><td style="padding:0 0 24px"></td></tr>`;
}

/**
 * The image as the email loads it: an https URL as it is; a path on the app's origin (the demo's
 * images) made absolute with the app's URL; anything else none.
 */
export function emailImageUrl(src: string | null | undefined, appUrl: string): string | null {
  if (!src) return null;
  try {
    const url = new URL(src, appUrl);
    return url.protocol === "https:" || (url.protocol === "http:" && src.startsWith("/")) ? url.href : null;
  } catch {
    return null;
  }
}
