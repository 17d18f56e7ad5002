import type { CurrencyDisplay } from "@moments/engine";
import type Mail from "nodemailer/lib/mailer";
import { formatMoney } from "~/lib/money";
import { signClick, signUnsubscribe } from "./tokens.server";

/**
 * What a follow-up email says, frozen as JSON in the outbox row when the order arrives (the
 * engine's decision: copy in the buyer's locale, price in the presentment currency), completed at
 * send time with the discount code, the checkout link and the product image. Rendering is pure:
 * every attempt of one message renders the same bytes but for the Date header.
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
    /** Share off for the single-use code, 0..1 (0: the code only carries attribution). */
    percentOff: number;
  };
  /** The merchant's Settings choice when scheduled (absent in older rows: "symbol"). */
  currencyDisplay?: CurrencyDisplay;
  /** Filled at send time (gateway): product title and image of the offer's first item. */
  product?: { title: string; imageUrl: string | null };
  discountCode?: string;
  checkoutUrl?: string;
}

export interface RenderInput {
  outboxId: string;
  messageId: string;
  shopId: string;
  customerId: string | null;
  recipient: string;
  recipientHash: string;
  locale: string;
  content: EmailContent;
  /** Public base URL of the app (links: click tracking, unsubscribe). */
  appUrl: string;
  secret: string;
  issuedAt: number;
}

const STRINGS = {
  en: { hi: (n: string | null) => (n ? `Hi ${n},` : "Hello,"), thanks: (t: string) => `Thank you for your order of ${t}.`, cta: "Add it to my order", was: "instead of", save: "You save", code: "Your personal code", unsub: "Unsubscribe from these emails", why: (b: string) => `You receive this email because you agreed to hear from ${b}.` },
  fr: { hi: (n: string | null) => (n ? `Bonjour ${n},` : "Bonjour,"), thanks: (t: string) => `Merci pour votre commande : ${t}.`, cta: "Je le veux", was: "au lieu de", save: "Vous économisez", code: "Votre code personnel", unsub: "Se désabonner de ces e-mails", why: (b: string) => `Vous recevez cet e-mail car vous avez accepté d'être contacté par ${b}.` },
  de: { hi: (n: string | null) => (n ? `Hallo ${n},` : "Hallo,"), thanks: (t: string) => `Danke für Ihre Bestellung: ${t}.`, cta: "Jetzt hinzufügen", was: "statt", save: "Sie sparen", code: "Ihr persönlicher Code", unsub: "Von diesen E-Mails abmelden", why: (b: string) => `Sie erhalten diese E-Mail, weil Sie Nachrichten von ${b} zugestimmt haben.` },
  es: { hi: (n: string | null) => (n ? `Hola ${n}:` : "Hola:"), thanks: (t: string) => `Gracias por tu pedido de ${t}.`, cta: "Lo quiero", was: "en lugar de", save: "Ahorras", code: "Tu código personal", unsub: "Darse de baja de estos correos", why: (b: string) => `Recibes este correo porque aceptaste recibir noticias de ${b}.` },
  nl: { hi: (n: string | null) => (n ? `Hallo ${n},` : "Hallo,"), thanks: (t: string) => `Bedankt voor je bestelling van ${t}.`, cta: "Voeg toe", was: "in plaats van", save: "Je bespaart", code: "Je persoonlijke code", unsub: "Afmelden voor deze e-mails", why: (b: string) => `Je ontvangt deze e-mail omdat je toestemming gaf om berichten van ${b} te ontvangen.` },
} as const;
type Lang = keyof typeof STRINGS;
const stringsFor = (locale: string) => STRINGS[(locale.split("-")[0]?.toLowerCase() ?? "en") as Lang] ?? STRINGS.en;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
/** Header-safe display name: no CR/LF, quotes escaped (nodemailer encodes non-ASCII). */
const displayName = (s: string) => s.replace(/[\r\n"\\]/g, " ").trim();

export const unsubscribeUrl = (appUrl: string, token: string) => `${appUrl.replace(/\/$/, "")}/email/unsubscribe?t=${encodeURIComponent(token)}`;
export const clickUrl = (appUrl: string, token: string) => `${appUrl.replace(/\/$/, "")}/email/click?t=${encodeURIComponent(token)}`;

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
  const t = stringsFor(input.locale);
  const money = (minor: number) => formatMoney(minor, c.offer.price.currency, input.locale, c.currencyDisplay);
  const unsubToken = signUnsubscribe(input.secret, {
    shopId: input.shopId,
    emailHash: input.recipientHash,
    customerId: input.customerId,
    issuedAt: input.issuedAt,
  });
  const unsub = unsubscribeUrl(input.appUrl, unsubToken);
  const click = clickUrl(input.appUrl, signClick(input.secret, input.outboxId));
  const { price } = c.offer;
  const priceLine = price.savings > 0 ? `${money(price.final)} ${t.was} ${money(price.original)} (${t.save} ${money(price.savings)})` : money(price.final);
  const cta = c.offer.cta ?? t.cta;
  const productTitle = c.product?.title ?? c.offer.title;
  const subject = c.offer.title;

  const text = [
    t.hi(c.firstName),
    "",
    t.thanks(c.purchased.title),
    "",
    c.offer.title,
    c.offer.body ?? "",
    productTitle !== c.offer.title ? productTitle : "",
    priceLine,
    c.discountCode ? `${t.code}: ${c.discountCode}` : "",
    "",
    `${cta}: ${click}`,
    "",
    "--",
    t.why(c.brandName),
    `${t.unsub}: ${unsub}`,
  ]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");

  const img = c.product?.imageUrl
    ? `<tr><td style="padding:0 24px"><img src="${escapeHtml(c.product.imageUrl)}" alt="${escapeHtml(productTitle)}" width="552" style="display:block;width:100%;max-width:552px;height:auto;border-radius:8px"></td></tr>`
    : "";
  const html = `<!doctype html>
<html lang="${escapeHtml(input.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;background:#f4f4f5;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:12px">
<tr><td style="padding:24px 24px 8px;font-size:18px;font-weight:600">${escapeHtml(c.brandName)}</td></tr>
<tr><td style="padding:0 24px 16px"><p>${escapeHtml(t.hi(c.firstName))}</p><p>${escapeHtml(t.thanks(c.purchased.title))}</p></td></tr>
${img}
<tr><td style="padding:16px 24px 0"><h1 style="font-size:22px;margin:0 0 8px">${escapeHtml(c.offer.title)}</h1>${c.offer.body ? `<p style="margin:0 0 8px">${escapeHtml(c.offer.body)}</p>` : ""}
<p style="margin:0 0 8px;font-size:18px"><strong>${escapeHtml(money(price.final))}</strong>${price.savings > 0 ? ` <s style="color:#6b7280">${escapeHtml(money(price.original))}</s> <span style="color:#047857">${escapeHtml(t.save)} ${escapeHtml(money(price.savings))}</span>` : ""}</p>
${c.discountCode ? `<p style="margin:0 0 8px">${escapeHtml(t.code)}: <code style="font-size:16px">${escapeHtml(c.discountCode)}</code></p>` : ""}</td></tr>
<tr><td style="padding:16px 24px 24px"><a href="${escapeHtml(click)}" style="display:inline-block;background:#111827;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">${escapeHtml(cta)}</a></td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280">${escapeHtml(t.why(c.brandName))}<br><a href="${escapeHtml(unsub)}" style="color:#6b7280">${escapeHtml(t.unsub)}</a></td></tr>
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
