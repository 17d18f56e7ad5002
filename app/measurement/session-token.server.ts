import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies a checkout UI extension's session token on the event hot path: the check
 * `authenticate.public.checkout` makes (HS256 signed with the app secret, `exp` and `nbf` with 10 s
 * of clock tolerance, shopify-api-js `decodeSessionToken`), plus the audience it skips for extension
 * tokens (shopify-api-js #955): `aud` must be this app's API key, or any other JWT signed with the
 * app secret (an input token, a post-purchase changeset) would pass. One HMAC and two JSON parses:
 * the library's path (bot check, logger, jose, the remix wrapper) cost several times that per
 * request, on the endpoint every buyer calls.
 */
export interface CheckoutSessionToken {
  dest: string;
  aud: string | string[];
  sub?: string;
  exp: number;
}

export type TokenCheck = { ok: true; token: CheckoutSessionToken } | { ok: false; reason: string };

const CLOCK_TOLERANCE_S = 10;

const base64url = (s: string): Buffer | null => (/^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, "base64url") : null);

function json(part: string): Record<string, unknown> | null {
  const bytes = base64url(part);
  if (!bytes) return null;
  try {
    const value = JSON.parse(bytes.toString("utf8")) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function verifyCheckoutSessionToken(authorization: string | null, secret: string, apiKey: string, nowMs = Date.now()): TokenCheck {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) return { ok: false, reason: "missing Authorization: Bearer <session token>" };
  const parts = match[1]!.split(".");
  if (parts.length !== 3) return { ok: false, reason: "session token is not a JWT" };
  const [header, payload, signature] = parts as [string, string, string];
  if (json(header)?.alg !== "HS256") return { ok: false, reason: "session token is not signed with HS256" };
  const given = base64url(signature);
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "session token signature is invalid" };
  }
  const claims = json(payload);
  if (!claims) return { ok: false, reason: "session token payload is not JSON" };
  const now = nowMs / 1000;
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_TOLERANCE_S <= now) return { ok: false, reason: "session token has expired" };
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf - CLOCK_TOLERANCE_S > now)) {
    return { ok: false, reason: "session token is not valid yet" };
  }
  if (claims.aud === undefined) return { ok: false, reason: "session token has no aud claim" };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(apiKey)) return { ok: false, reason: "session token aud is not this app's API key" };
  if (typeof claims.dest !== "string" || !claims.dest) return { ok: false, reason: "session token has no dest (the shop)" };
  return { ok: true, token: claims as unknown as CheckoutSessionToken };
}
