import type { CurrencyDisplay, Design } from "@moments/engine";
import type Mail from "nodemailer/lib/mailer";
import { sizedImage } from "~/lib/images";
import { formatMoney } from "~/lib/money";
import { buyerText } from "./i18n.server";
import type { EmailFallback } from "./fallback.server";
import { emailImageUrl, offerRowsHtml } from "./layout.server";
import { signClick, signUnsubscribe } from "./tokens.server";

/**
 * What a follow-up email says, frozen as JSON in the outbox row when the order arrives (the
 * engine's decision: copy in the locale it picked for the buyer, price in the presentment
 * currency), completed at send time with the discount code, the checkout link and the product
 * image. The fixed texts around the copy come from app/email/locales in the buyer's own locale.
 * Rendering is pure: every attempt of one message renders the same bytes but for the Date header.
 */
export interface EmailContent {
  v: 1;
  brandName: string;
  fromAddress: string;
  shopDomain: string;
  firstName: string | null;
  purchased: { title: string; quantity: number };
  offer: {
    id: string;
    type: string;
    title: string;
    body: string | null;
    cta: string | null;
    items: Array<{ productId: string; variantId: string; quantity: number }>;
    price: { currency: string; original: number; final: number; savings: number };
    /** The layout (decision 024; absent in rows scheduled before: "card"). */
    design?: Design;
    /** The product image the engine published with the offer (absent: the catalog's, `product`). */
    image?: string;
    /** Share off for the single-use code, 0..1 (0: the code only carries attribution). */
    percentOff: number;
  };
  /** The merchant's Settings choice when scheduled (absent in older rows: "symbol"). */
  currencyDisplay?: CurrencyDisplay;
  /** Filled at send time (gateway): product title and image of the offer's first item. */
  product?: { title: string; imageUrl: string | null };
  discountCode?: string;
  checkoutUrl?: string;
  /**
   * Set when the offer is the post-purchase moment's, carried because neither the post-purchase
   * page nor the thank-you page showed it (decision 026): the send is cancelled if one did since.
   */
  fallback?: EmailFallback;
}

export interface RenderInput {
  outboxId: string;
  messageId: string;
  shopId: string;
  customerId: string | null;
  recipient: string;
  recipientHash: string;
  /**
   * The buyer's locale (orders/create `customer_locale`): the fixed texts, the money format and
   * the unsubscribe page's language. The offer copy's locale may differ (the engine falls back to
   * the shop's default when the offer has no copy in the buyer's language).
   */
  locale: string;
  content: EmailContent;
  /** Public base URL of the app (links: click tracking, unsubscribe). */
  appUrl: string;
  secret: string;
  issuedAt: number;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
/** A translated sentence around markup: the sentence escaped, the slot replaced by the markup. */
const SLOT = "\u0000slot\u0000";
const htmlWith = (sentence: string, markup: string) => escapeHtml(sentence).replace(SLOT, markup);
/** Header-safe display name: no CR/LF, quotes escaped (nodemailer encodes non-ASCII). */
const displayName = (s: string) => s.replace(/[\r\n"\\]/g, " ").trim();

export const unsubscribeUrl = (appUrl: string, token: string) =>
  `${appUrl.replace(/\/$/, "")}/email/unsubscribe?t=${encodeURIComponent(token)}`;
export const clickUrl = (appUrl: string, token: string) =>
  `${appUrl.replace(/\/$/, "")}/email/click?t=${encodeURIComponent(token)}`;

/** Deterministic Message-ID: every attempt (and any duplicate) of one outbox row carries the same. */
export const messageIdFor = (outboxId: string, appUrl: string) => {
  let host = "moments.local";
  try {
    host = new URL(appUrl).hostname || host;
  } catch {
    // keep the fallback host
  }
  return `<moments.${outboxId}@${host}>`;
};

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl: string;
  clickUrl: string;
  mail: Mail.Options;
}

export function renderEmail(input: RenderInput): RenderedEmail {
  const c = input.content;
  const { t, language, intl } = buyerText(input.locale);
  const money = (minor: number) => formatMoney(minor, c.offer.price.currency, intl, c.currencyDisplay);
  const unsubToken = signUnsubscribe(input.secret, {
    shopId: input.shopId,
    emailHash: input.recipientHash,
    customerId: input.customerId,
    issuedAt: input.issuedAt,
    locale: language,
  });
  const unsub = unsubscribeUrl(input.appUrl, unsubToken);
  const click = clickUrl(input.appUrl, signClick(input.secret, input.outboxId));
  const { price } = c.offer;
  const priceLine =
    price.savings > 0
      ? `${t("email.price", { final: money(price.final), original: money(price.original) })} (${t("email.youSave", { amount: money(price.savings) })})`
      : money(price.final);
  const greeting = c.firstName ? t("email.greeting", { name: c.firstName }) : t("email.greetingNoName");
  const thanks = t("email.thanks", { item: c.purchased.title });
  const why = t("email.why", { brand: c.brandName });
  const cta = c.offer.cta ?? t("email.cta");
  const productTitle = c.product?.title ?? c.offer.title;
  const subject = c.offer.title;

  const text = [
    greeting,
    "",
    thanks,
    "",
    c.offer.title,
    c.offer.body ?? "",
    productTitle !== c.offer.title ? productTitle : "",
    priceLine,
    c.discountCode ? t("email.code", { code: c.discountCode }) : "",
    "",
    `${cta}: ${click}`,
    "",
    "--",
    why,
    `${t("email.unsubscribe")}: ${unsub}`,
  ]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");

  // The offer's image as the engine published it, else the product's from the catalog (rows
  // scheduled before offers carried one), in the offer's layout (app/email/layout.server.ts).
  const src = c.offer.image ?? c.product?.imageUrl;
  // Twice the widest slot (the banner's 552 px), for sharp images on high-density screens.
  const image = emailImageUrl(src && sizedImage(src, 1104), input.appUrl);
  const offerRows = offerRowsHtml({
    design: c.offer.design,
    image: image && escapeHtml(image),
    alt: escapeHtml(productTitle),
    title: escapeHtml(c.offer.title),
    body: c.offer.body && c.offer.design !== "compact" ? escapeHtml(c.offer.body) : "",
    price: `<strong>${escapeHtml(money(price.final))}</strong>${price.savings > 0 ? ` <s style="color:#6b7280">${escapeHtml(money(price.original))}</s> <span style="color:#047857">${escapeHtml(t("email.youSave", { amount: money(price.savings) }))}</span>` : ""}`,
    code: c.discountCode
      ? `<p style="margin:0 0 8px">${htmlWith(t("email.code", { code: SLOT }), `<code style="font-size:16px">${escapeHtml(c.discountCode)}</code>`)}</p>`
      : "",
    cta: escapeHtml(cta),
    href: escapeHtml(click),
  });
  const html = `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;background:#f4f4f5;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:12px">
<tr><td style="padding:24px 24px 8px;font-size:18px;font-weight:600">${escapeHtml(c.brandName)}</td></tr>
<tr><td style="padding:0 24px 16px"><p>${escapeHtml(greeting)}</p><p>${escapeHtml(thanks)}</p></td></tr>
${offerRows}
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280">${escapeHtml(why)}<br><a href="${escapeHtml(unsub)}" style="color:#6b7280">${escapeHtml(t("email.unsubscribe"))}</a></td></tr>
</table></td></tr></table></body></html>`;

  return {
    subject,
    text,
    html,
    unsubscribeUrl: unsub,
    clickUrl: click,
    mail: {
      from: { name: displayName(c.brandName), address: c.fromAddress },
      to: input.recipient,
      subject,
      text,
      html,
      messageId: input.messageId,
      // RFC 8058 one-click: mailbox providers POST "List-Unsubscribe=One-Click" to the https URL.
      headers: {
        "List-Unsubscribe": `<${unsub}>, <mailto:${c.fromAddress}?subject=unsubscribe>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Moments-Outbox": input.outboxId,
      },
    },
  };
}
