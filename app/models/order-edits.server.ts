import type { PrismaClient, ThankYouOrderEdit } from "@prisma/client";
import type { ShownOffer } from "@moments/engine";
import { toSafeNumber } from "~/lib/bigint";
import { isUniqueViolation } from "~/lib/sql.server";

/**
 * The thank-you order edits' rows (decision 026), every query scoped by shop. One row per (order,
 * offer): claimed `pending` before Shopify is asked, so two requests for the same order and offer
 * (a double click, a retry, two tabs) never both edit the order; `committed` once Shopify applied
 * the edit; `failed` when nothing was applied (a later request may try again); `unknown` when the
 * commit's answer was lost (never retried: the merchant checks the order).
 */
export type OrderEditStatus = "pending" | "committed" | "failed" | "unknown";

export interface OrderEditRow {
  id: string;
  orderId: string;
  offerId: string;
  moment: string;
  status: OrderEditStatus;
  currency: string;
  finalMinor: number;
  chargedMinor: number;
  balanceMinor: number;
  invoiceSentAt: Date | null;
  lastError: string | null;
}

const rowOf = (r: ThankYouOrderEdit): OrderEditRow => ({
  id: r.id,
  orderId: r.orderId,
  offerId: r.offerId,
  moment: r.moment,
  status: r.status as OrderEditStatus,
  currency: r.currency,
  finalMinor: toSafeNumber(r.finalMinor, "finalMinor"),
  chargedMinor: toSafeNumber(r.chargedMinor, "chargedMinor"),
  balanceMinor: toSafeNumber(r.balanceMinor, "balanceMinor"),
  invoiceSentAt: r.invoiceSentAt,
  lastError: r.lastError,
});

export async function findOrderEdit(
  prisma: PrismaClient,
  shopId: string,
  orderId: string,
  offerId: string,
): Promise<OrderEditRow | null> {
  const row = await prisma.thankYouOrderEdit.findUnique({
    where: { shopId_orderId_offerId: { shopId, orderId, offerId } },
  });
  return row ? rowOf(row) : null;
}

/** The offers committed to an order by thank-you edits (the journey's accepted offers, server side). */
export async function committedOffers(prisma: PrismaClient, shopId: string, orderId: string): Promise<string[]> {
  const rows = await prisma.thankYouOrderEdit.findMany({
    where: { shopId, orderId, status: "committed" },
    select: { offerId: true },
  });
  return rows.map((r) => r.offerId);
}

export type Claim = { claimed: true; id: string } | { claimed: false; row: OrderEditRow };

/**
 * Claims (order, offer) for one request: a new row, or a `failed` one taken back to `pending` in
 * one conditional update. Anything else (pending, committed, unknown) is the other request's.
 */
export async function claimOrderEdit(
  prisma: PrismaClient,
  shopId: string,
  edit: { orderId: string; offer: ShownOffer; journeyKey: string },
): Promise<Claim> {
  const { offer } = edit;
  const data = {
    experimentId: offer.experimentId ?? null,
    armId: offer.armId ?? null,
    moment: offer.moment,
    journeyKey: edit.journeyKey,
    lines: JSON.stringify(offer.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }))),
    currency: offer.price.currency,
    finalMinor: offer.price.final,
  };
  try {
    const row = await prisma.thankYouOrderEdit.create({
      data: { shopId, orderId: edit.orderId, offerId: offer.offerId, status: "pending", ...data },
    });
    return { claimed: true, id: row.id };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await findOrderEdit(prisma, shopId, edit.orderId, offer.offerId);
  if (!existing) throw new Error("order edit row vanished after a unique violation");
  if (existing.status !== "failed") return { claimed: false, row: existing };
  const { count } = await prisma.thankYouOrderEdit.updateMany({
    where: { id: existing.id, shopId, status: "failed" },
    data: { ...data, status: "pending", lastError: null, chargedMinor: 0, balanceMinor: 0 },
  });
  if (count === 1) return { claimed: true, id: existing.id };
  return { claimed: false, row: (await findOrderEdit(prisma, shopId, edit.orderId, offer.offerId)) ?? existing };
}

export async function markCommitted(
  prisma: PrismaClient,
  shopId: string,
  id: string,
  result: { chargedMinor: number; balanceMinor: number },
): Promise<void> {
  await prisma.thankYouOrderEdit.updateMany({
    where: { id, shopId, status: "pending" },
    data: {
      status: "committed",
      chargedMinor: result.chargedMinor,
      balanceMinor: result.balanceMinor,
      lastError: null,
    },
  });
}

export async function markInvoice(
  prisma: PrismaClient,
  shopId: string,
  id: string,
  outcome: { sentAt: Date } | { error: string },
): Promise<void> {
  await prisma.thankYouOrderEdit.updateMany({
    where: { id, shopId },
    data:
      "sentAt" in outcome
        ? { invoiceSentAt: outcome.sentAt }
        : { lastError: `invoice: ${outcome.error}`.slice(0, 500) },
  });
}

/** `failed`: Shopify applied nothing; `unknown`: the commit was sent and its answer lost. */
export async function markNotCommitted(
  prisma: PrismaClient,
  shopId: string,
  id: string,
  status: "failed" | "unknown",
  error: string,
): Promise<void> {
  await prisma.thankYouOrderEdit.updateMany({
    where: { id, shopId, status: "pending" },
    data: { status, lastError: error.slice(0, 500) },
  });
}
