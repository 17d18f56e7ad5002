/**
 * The admin locale of a request (docs/decisions/028-admin-languages.md). Shopify loads the embedded
 * app with the merchant's admin locale on the URL (`?locale=de`, with `shop`, `host`, `embedded`);
 * the demo's language switch does the same. Client-side navigation drops the parameter, so the
 * layout keeps the locale in a cookie for the requests that come without it, and a form the admin
 * posts names it (`adminLocale` field): a browser that refuses the embedded app's cookie (Safari) still
 * gets its validation messages in the merchant's language.
 */
import { isDemo } from "~/env.server";
import type { AdminT } from "./catalogue";
import { translatorFor } from "./catalogues.server";
import { adminLocale, type AdminLocale } from "./languages";

export const LOCALE_COOKIE = "moments_locale";
/**
 * The field a form the admin posts names its locale in: not `locale`, which forms use for the
 * buyer's language (the live preview's sample buyer, the email preview).
 */
export const ADMIN_LOCALE_FIELD = "adminLocale";
const ONE_YEAR = 60 * 60 * 24 * 365;

/** A locale tag worth reading or keeping: BCP 47-shaped, at most 35 characters. */
const tagOf = (v: unknown): string | null => {
  const tag = typeof v === "string" ? v.trim() : "";
  return tag.length > 0 && tag.length <= 35 && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
};

function cookieTag(request: Request): string | null {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === LOCALE_COOKIE) return tagOf(decodeURIComponent(value.join("=")));
  }
  return null;
}

/** The tag a request names: a posted `adminLocale` field, else `?locale=`, else the cookie; null when none. */
function requestTag(request: Request, body?: FormData | null): string | null {
  return (
    tagOf(body?.get(ADMIN_LOCALE_FIELD)) ?? tagOf(new URL(request.url).searchParams.get("locale")) ?? cookieTag(request)
  );
}

/** The request's admin locale: German for "de-CH", English for "pt-BR" or none. */
export function requestLocale(request: Request, body?: FormData | null): AdminLocale {
  return adminLocale(requestTag(request, body));
}

/** `t` in the request's admin language, for what an action answers. */
export function requestT(request: Request, body?: FormData | null): AdminT {
  return translatorFor(requestLocale(request, body).language);
}

/**
 * The Set-Cookie that keeps `?locale=` for the requests after it, or null when the URL names none
 * or the cookie already says it. The embedded admin is a third-party frame: the cookie must be
 * `SameSite=None; Secure` and is `Partitioned` (CHIPS), kept for this app inside this admin only.
 * The demo is first-party over plain http.
 */
export function localeCookie(request: Request): string | null {
  const tag = tagOf(new URL(request.url).searchParams.get("locale"));
  if (!tag || tag === cookieTag(request)) return null;
  const attributes = isDemo() ? "SameSite=Lax" : "SameSite=None; Secure; Partitioned";
  return `${LOCALE_COOKIE}=${encodeURIComponent(tag)}; Path=/; Max-Age=${ONE_YEAR}; HttpOnly; ${attributes}`;
}

/** `t` and the Intl locale of the request, for server code that words and formats (the live preview). */
export function requestText(request: Request, body?: FormData | null): { t: AdminT; intl: string } {
  const locale = requestLocale(request, body);
  return { t: translatorFor(locale.language), intl: locale.intl };
}
