import type { PrismaClient } from "@prisma/client";
import type { ThankYouAcceptAnswer, ThankYouOfferAnswer } from "@moments/contracts";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { isDatabaseBusy } from "~/lib/sql.server";
import { CORS_HEADERS } from "~/post-purchase/token.server";
import { acceptThankYouOffer } from "./accept.server";
import { shopSettings } from "~/publish/publish.server";
import {
  AcceptBody,
  OfferBody,
  readBody,
  thankYouContext,
  ThankYouRefusal,
  verifyCaller,
  type ContextDeps,
} from "./context.server";
import { fallbackOffer } from "./decide.server";

/**
 * The HTTP edge of the thank-you endpoints (routes api.thank-you.*): the checkout's extension calls
 * cross-origin, so every answer carries CORS headers and OPTIONS is the preflight. Refusals are 4xx
 * JSON `{ error }` with the reason (502 when Shopify could not be reached, 503 when the database is
 * saturated), never a 500 for the caller's input.
 */
const json = (
  status: number,
  body: ThankYouAcceptAnswer | ThankYouOfferAnswer | { error: string },
  extra: Record<string, string> = {},
) => Response.json(body, { status, headers: { ...CORS_HEADERS, ...extra } });

type Deps = Partial<ContextDeps>;

function depsOf(deps: Deps): ContextDeps {
  const e = env();
  return {
    prisma: deps.prisma ?? db(),
    secret: deps.secret ?? e.SHOPIFY_API_SECRET,
    apiKey: deps.apiKey ?? e.SHOPIFY_API_KEY,
    now: deps.now,
    gatewayFor: deps.gatewayFor,
  };
}

async function answering(
  request: Request,
  work: (prisma: PrismaClient, full: ContextDeps) => Promise<Response>,
  deps: Deps,
): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (request.method !== "POST") return json(405, { error: "use POST" }, { Allow: "POST, OPTIONS" });
  const full = depsOf(deps);
  try {
    return await work(full.prisma, full);
  } catch (error) {
    if (error instanceof ThankYouRefusal) return json(error.status, { error: error.message });
    if (isDatabaseBusy(error))
      return json(503, { error: "the database is busy: retry shortly" }, { "Retry-After": "2" });
    throw error;
  }
}

/** POST /api/thank-you/accept: `ThankYouAcceptBody` -> 200 `ThankYouAccepted`, or 4xx `{ error }`. */
export const thankYouAcceptResponse = (request: Request, deps: Deps = {}) =>
  answering(
    request,
    async (prisma, full) => {
      const caller = verifyCaller(request, full);
      const body = await readBody(request, AcceptBody);
      const ctx = await thankYouContext(caller, body, full);
      return json(200, await acceptThankYouOffer(prisma, ctx, body, full.now));
    },
    deps,
  );

/** POST /api/thank-you/offer: `ThankYouOfferBody` -> 200 `ThankYouOfferAnswer` (the wallet fallback). */
export const thankYouOfferResponse = (request: Request, deps: Deps = {}) =>
  answering(
    request,
    async (prisma, full) => {
      const caller = verifyCaller(request, full);
      const body = await readBody(request, OfferBody);
      const ctx = await thankYouContext(caller, body, full);
      // The fallback is added through the order edit: a shop that chose a new checkout has none.
      if ((await shopSettings(prisma, ctx.shop.id)).thankYouAccept === "new_checkout") {
        return json(200, { offer: null, reason: "this shop takes thank-you offers through a new checkout" });
      }
      return json(200, await fallbackOffer(prisma, ctx, full.now ?? new Date()));
    },
    deps,
  );
