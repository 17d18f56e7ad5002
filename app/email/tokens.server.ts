import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed tokens in the links of a follow-up email. HMAC-SHA256 with the app secret over the
 * token's JSON body, both base64url: `<body>.<mac>`. The unsubscribe token names the shop and the
 * hash of the buyer's email (never the address itself, so a forwarded link leaks nothing); the
 * click token names the outbox message whose checkout link it opens.
 */
export const emailHash = (email: string): string =>
  createHash("sha256").update(email.trim().toLowerCase()).digest("hex");

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");
const mac = (secret: string, purpose: string, body: string) =>
  createHmac("sha256", secret).update(`${purpose}.${body}`).digest();

function sign(secret: string, purpose: string, data: object): string {
  const body = b64(JSON.stringify(data));
  return `${body}.${b64(mac(secret, purpose, body))}`;
}

function verify(secret: string, purpose: string, token: string | null | undefined): unknown {
  if (!token || token.length > 2048) return null;
  const [body, given, extra] = token.split(".");
  if (!body || !given || extra !== undefined) return null;
  const expected = mac(secret, purpose, body);
  const actual = Buffer.from(given, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

export interface UnsubscribeClaim {
  shopId: string;
  emailHash: string;
  customerId: string | null;
  /** Epoch seconds the link was issued (kept for audits; unsubscribe links do not expire). */
  issuedAt: number;
  /** The language the email was written in, for the unsubscribe page (absent in older links). */
  locale?: string | null;
}

export function signUnsubscribe(secret: string, claim: UnsubscribeClaim): string {
  return sign(secret, "unsubscribe", {
    s: claim.shopId,
    h: claim.emailHash,
    c: claim.customerId,
    i: claim.issuedAt,
    ...(claim.locale ? { l: claim.locale } : {}),
  });
}

export function verifyUnsubscribe(secret: string, token: string | null | undefined): UnsubscribeClaim | null {
  const d = verify(secret, "unsubscribe", token) as {
    s?: unknown;
    h?: unknown;
    c?: unknown;
    i?: unknown;
    l?: unknown;
  } | null;
  if (
    !d ||
    typeof d.s !== "string" ||
    typeof d.h !== "string" ||
    !/^[0-9a-f]{64}$/.test(d.h) ||
    typeof d.i !== "number"
  )
    return null;
  return {
    shopId: d.s,
    emailHash: d.h,
    customerId: typeof d.c === "string" ? d.c : null,
    issuedAt: d.i,
    locale: typeof d.l === "string" ? d.l : null,
  };
}

export function signClick(secret: string, outboxId: string): string {
  return sign(secret, "click", { o: outboxId });
}

export function verifyClick(secret: string, token: string | null | undefined): { outboxId: string } | null {
  const d = verify(secret, "click", token) as { o?: unknown } | null;
  return d && typeof d.o === "string" ? { outboxId: d.o } : null;
}
