import { errors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { env } from "~/env.server";

/**
 * The post-purchase extension's `inputData.token`: a JWT Shopify signs (HS256, the app secret)
 * over the `input_data` the extension received. It is not the checkout session token, so
 * `authenticate.public.checkout` is not used: the purchase, the shop and the reference id are read
 * from this verified token, never from the request body.
 */
const money = z.object({
  amount: z.union([z.string(), z.number()]).transform(String),
  currencyCode: z.string().length(3),
});
const moneyBag = z.object({ shopMoney: money, presentmentMoney: money });
const numericId = z.union([z.number(), z.string()]).transform(String);

const InputData = z.object({
  initialPurchase: z.object({
    referenceId: z.union([z.string().min(1), z.number()]).transform(String),
    customerId: numericId.nullish(),
    destinationCountryCode: z.string().nullish(),
    totalPriceSet: moneyBag,
    lineItems: z.array(
      z.object({
        product: z.object({
          id: numericId,
          title: z.string().nullish(),
          variant: z.object({ id: numericId, title: z.string().nullish() }),
        }),
        quantity: z.number().int().min(1),
        totalPriceSet: moneyBag,
        sellingPlanId: numericId.nullish(),
      }),
    ),
  }),
  locale: z.string().nullish(),
  shop: z.object({ id: numericId.nullish(), domain: z.string().min(1) }).nullish(),
});
export type PostPurchaseInputData = z.output<typeof InputData>;
/** The `input_data` of a post-purchase token (or the extension's `inputData`), normalised. */
export const parseInputData = (raw: unknown) => InputData.parse(raw);

export interface VerifiedPostPurchase {
  shopDomain: string;
  referenceId: string;
  input: PostPurchaseInputData;
  claims: JWTPayload;
}

export type TokenFailure = { ok: false; status: 401 | 400; reason: string };

/** Tokens that carry neither `exp` nor `iat` prove no freshness; older than this they are refused. */
const MAX_AGE_SECONDS = 60 * 60;

/** Verifies an input token with `secret` (and `aud` against the API key when present). */
export async function verifyInputToken(
  token: string,
  opts: { secret: string; apiKey: string; now?: Date },
): Promise<{ ok: true; value: VerifiedPostPurchase } | TokenFailure> {
  let claims: JWTPayload;
  try {
    const verified = await jwtVerify(token, new TextEncoder().encode(opts.secret), {
      algorithms: ["HS256"],
      currentDate: opts.now,
      clockTolerance: 10,
    });
    claims = verified.payload;
  } catch (error) {
    const reason =
      error instanceof errors.JWTExpired
        ? "token expired"
        : error instanceof errors.JWSSignatureVerificationFailed
          ? "bad signature"
          : "invalid token";
    return { ok: false, status: 401, reason };
  }
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (claims.exp === undefined && (claims.iat === undefined || nowSeconds - claims.iat > MAX_AGE_SECONDS)) {
    return { ok: false, status: 401, reason: "token has no expiry and is not recent" };
  }
  if (claims.aud !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(opts.apiKey)) return { ok: false, status: 401, reason: "token is for another app" };
  }
  const parsed = InputData.safeParse((claims as Record<string, unknown>).input_data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, status: 400, reason: `input_data.${issue.path.join(".")}: ${issue.message}` };
  }
  const dest = typeof claims.dest === "string" ? hostOf(claims.dest) : undefined;
  const shopDomain = parsed.data.shop?.domain ?? dest;
  if (!shopDomain) return { ok: false, status: 400, reason: "token names no shop" };
  if (dest && parsed.data.shop?.domain && dest !== parsed.data.shop.domain)
    return { ok: false, status: 401, reason: "token shop mismatch" };
  return {
    ok: true,
    value: { shopDomain, referenceId: parsed.data.initialPurchase.referenceId, input: parsed.data, claims },
  };
}

function hostOf(dest: string): string {
  try {
    return new URL(dest.includes("://") ? dest : `https://${dest}`).hostname;
  } catch {
    return dest;
  }
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * For every route a post-purchase extension calls (offer, sign, and /api/events): the verified
 * purchase, or a thrown 401/400 Response with the reason. Uses the app's API secret and key.
 */
export async function verifyPostPurchaseToken(request: Request, now?: Date): Promise<VerifiedPostPurchase> {
  const token = bearerToken(request);
  if (!token) throw jsonError(401, "missing Authorization: Bearer <inputData.token>");
  const e = env();
  const result = await verifyInputToken(token, { secret: e.SHOPIFY_API_SECRET, apiKey: e.SHOPIFY_API_KEY, now });
  if (!result.ok) throw jsonError(result.status, result.reason);
  return result.value;
}

/** The extension runs in Shopify's sandbox on another origin: every answer carries CORS headers. */
export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "600",
};

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...CORS_HEADERS },
  });
}

export function jsonError(status: number, reason: string): Response {
  return jsonResponse(status, { error: reason });
}
