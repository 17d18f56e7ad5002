import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { isUniqueViolation } from "~/lib/sql.server";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { AddVariantChange, SignBody } from "@moments/contracts";
import type { Holds, SameKeys } from "~/lib/contract-check";
import { ingestEvents } from "~/measurement/ingest.server";
import {
  buyerKeyOf,
  changesFor,
  decidePostPurchaseOffer,
  MAX_ACCEPTED_PER_PURCHASE,
  maxMultiple,
  offerColumns,
  priceFor,
  type Purchase,
} from "./offer.server";

/**
 * Changesets as Shopify's post-purchase JWT specification asks: HS256 with the app secret, and
 * exactly the claims `iss` (API key), `jti` (unique), `iat` (seconds), `sub` (the purchase's
 * reference id) and `changes`. The price in `changes` always comes from the server's decision.
 */
export const CHANGESET_CLAIMS = ["iss", "jti", "iat", "sub", "changes"] as const;

export interface ChangesetClaims {
  iss: string;
  jti: string;
  iat: number;
  sub: string;
  changes: AddVariantChange[];
}

export interface AppCredentials {
  apiKey: string;
  secret: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signChangeset(claims: ChangesetClaims, secret: string): Promise<string> {
  // jose would add nothing by itself; the payload is exactly the documented claims.
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key(secret));
}

const ChangeSchema = z.object({
  type: z.literal("add_variant"),
  variantId: z.number().int().positive(),
  quantity: z.number().int().min(1),
  discount: z
    .object({ value: z.number().min(0), valueType: z.enum(["percentage", "fixed_amount"]), title: z.string() })
    .optional(),
});
const ClaimsSchema = z.strictObject({
  iss: z.string().min(1),
  jti: z.string().min(1),
  iat: z.number().int().positive(),
  sub: z.string().min(1),
  changes: z.array(ChangeSchema).min(1),
});

export type ChangesetCheck = { ok: true; claims: ChangesetClaims } | { ok: false; reason: string };

/**
 * Checks a signed changeset the way Shopify would (signature with the app secret, HS256, `iss` the
 * API key) and that it carries exactly the documented claims. Tests and the demo page use this.
 */
export async function verifyChangesetToken(token: string, creds: AppCredentials): Promise<ChangesetCheck> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key(creds.secret), {
      algorithms: ["HS256"],
      issuer: creds.apiKey,
    });
    if (protectedHeader.alg !== "HS256") return { ok: false, reason: "not HS256" };
    const parsed = ClaimsSchema.safeParse(payload);
    if (!parsed.success)
      return {
        ok: false,
        reason: `claims: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`,
      };
    if (parsed.data.iat > 1e11) return { ok: false, reason: "iat is not in seconds" };
    return { ok: true, claims: parsed.data as ChangesetClaims };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "invalid token" };
  }
}

/** What the extension asks to sign: which offer, how many, and the price it showed the buyer. */
export const SignRequest = z.object({
  referenceId: z.string().min(1),
  offerId: z.string().min(1).max(64),
  multiple: z.number().int().min(1).max(99).default(1),
  /** The final price the buyer saw; a different server price refuses instead of charging it. */
  expected: z.object({ final: z.number().int().min(0), currency: z.string().length(3) }),
});
export type SignRequest = z.infer<typeof SignRequest>;
/** The schema validates the contract's SignBody, the body the extension sends: a drift fails the typecheck. */
export type SignContractChecks = [
  Holds<SameKeys<SignBody, z.input<typeof SignRequest>>>,
  Holds<SignBody extends z.input<typeof SignRequest> ? true : false>,
];

export type SignOutcome =
  | { ok: true; token: string; claims: ChangesetClaims; upsellId: string }
  | { ok: false; status: 400 | 403 | 404 | 409; reason: string };

/**
 * Re-decides the purchase's offer on the server, refuses anything that does not match it (another
 * purchase, another offer, another price, another quantity), enforces the per-purchase limit and
 * replay refusal in one transaction, and only then signs. Nothing is signed on any refusal.
 */
export async function signPostPurchaseOffer(
  prisma: PrismaClient,
  shopId: string,
  purchase: Purchase,
  request: SignRequest,
  creds: AppCredentials,
  now = new Date(),
): Promise<SignOutcome> {
  if (request.referenceId !== purchase.referenceId)
    return { ok: false, status: 403, reason: "reference id is not this purchase's" };
  const pending = await prisma.postPurchaseOffer.findUnique({
    where: { shopId_referenceId_offerId: { shopId, referenceId: purchase.referenceId, offerId: request.offerId } },
  });
  if (!pending) return { ok: false, status: 404, reason: "offer was not made for this purchase" };
  if (pending.status !== "offered") return { ok: false, status: 409, reason: `offer already ${pending.status}` };
  const { offer } = await decidePostPurchaseOffer(prisma, shopId, purchase, { now });
  if (!offer || offer.offerId !== request.offerId)
    return { ok: false, status: 409, reason: "offer is no longer the current offer for this purchase" };
  if (request.multiple > maxMultiple(offer))
    return { ok: false, status: 400, reason: `quantity multiple above ${maxMultiple(offer)}` };
  const price = priceFor(offer, request.multiple);
  if (request.expected.currency !== offer.price.currency || request.expected.final !== price.final) {
    return {
      ok: false,
      status: 409,
      reason: `price mismatch: ${request.expected.final} ${request.expected.currency} != ${price.final} ${offer.price.currency}`,
    };
  }
  const claims: ChangesetClaims = {
    iss: creds.apiKey,
    jti: randomUUID(),
    iat: Math.floor(now.getTime() / 1000),
    sub: purchase.referenceId,
    changes: changesFor(offer, request.multiple),
  };
  let upsellId: string;
  try {
    upsellId = await prisma.$transaction(async (tx) => {
      const signed = await tx.postPurchaseUpsell.count({ where: { shopId, referenceId: purchase.referenceId } });
      if (signed >= MAX_ACCEPTED_PER_PURCHASE) throw new Refusal(409, `purchase already upsold ${signed} times`);
      const row = await tx.postPurchaseUpsell.create({
        data: {
          shopId,
          ...offerColumns(purchase, offer),
          variantIds: JSON.stringify(offer.lines.map((l) => l.variantId)),
          quantity: request.multiple,
          jti: claims.jti,
          changes: JSON.stringify(claims.changes),
          currency: offer.price.currency,
          finalMinor: price.final,
          signedAt: now,
        },
      });
      await tx.postPurchaseOffer.update({
        where: { id: pending.id },
        data: { status: "accepted", finalMinor: price.final },
      });
      return row.id;
    });
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, status: error.status, reason: error.message };
    if (isUniqueViolation(error)) return { ok: false, status: 409, reason: "offer already signed for this purchase" };
    throw error;
  }
  const token = await signChangeset(claims, creds.secret);
  await recordEvent(
    prisma,
    shopId,
    purchase,
    "accept",
    offer.offerId,
    {
      experimentId: offer.experimentId,
      armId: offer.armId,
      valueMinor: price.final,
      currency: offer.price.currency,
      key: claims.jti,
    },
    now,
  );
  return { ok: true, token, claims, upsellId };
}

class Refusal extends Error {
  constructor(
    readonly status: 409,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Accepts and declines pass through the app's own endpoints, so the server records them (one
 * idempotent event each); impressions come from the extension through /api/events. Measurement
 * must never break the buyer's flow, so a failure here is logged and swallowed.
 */
export async function recordEvent(
  prisma: PrismaClient,
  shopId: string,
  purchase: Purchase,
  type: "impression" | "accept" | "decline",
  offerId: string,
  extra: {
    experimentId?: string;
    armId?: string;
    valueMinor?: number;
    currency?: string;
    key?: string;
    surface?: "post_purchase" | "demo";
  },
  now = new Date(),
): Promise<void> {
  const id = createHash("sha256")
    .update(`pp:${type}:${purchase.referenceId}:${offerId}:${extra.key ?? ""}`)
    .digest("hex")
    .slice(0, 40);
  const event: Record<string, unknown> = {
    id,
    type,
    moment: "post_purchase",
    surface: extra.surface ?? "post_purchase",
    journeyKey: buyerKeyOf(purchase),
    offerId,
    arm: extra.armId ? "variant" : "none",
    currency: purchase.currency,
    occurredAt: now.getTime(),
  };
  if (purchase.country) event.country = purchase.country;
  if (extra.experimentId) event.experimentId = extra.experimentId;
  if (extra.armId) event.armId = extra.armId;
  if (type === "accept" && extra.valueMinor !== undefined) event.valueMinor = extra.valueMinor;
  try {
    await ingestEvents(prisma, shopId, [event], now);
  } catch (error) {
    console.error("post-purchase: event not recorded", error);
  }
}
