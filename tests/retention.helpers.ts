import type { PrismaClient } from "@prisma/client";
import type { PurgedTable } from "~/retention/retention.server";

/** Shared by tests/retention*.test.ts. */

/** The labels left in every purged table for one shop, sorted. */
export async function labelsLeft(prisma: PrismaClient, shopId: string): Promise<Record<PurgedTable, string[]>> {
  const where = { shopId };
  const sorted = (xs: string[]) => [...xs].sort();
  return {
    Event: sorted((await prisma.event.findMany({ where })).map((r) => r.clientEventId)),
    OfferView: sorted((await prisma.offerView.findMany({ where })).map((r) => r.journeyKey)),
    ExperimentExposure: sorted((await prisma.experimentExposure.findMany({ where })).map((r) => r.journeyKey)),
    MomentDaily: sorted((await prisma.momentDaily.findMany({ where })).map((r) => r.offerId)),
    ExperimentDaily: sorted((await prisma.experimentDaily.findMany({ where })).map((r) => r.offerId)),
    AttributedLine: sorted((await prisma.attributedLine.findMany({ where })).map((r) => r.lineId)),
    JourneyOrder: sorted((await prisma.journeyOrder.findMany({ where })).map((r) => r.orderId)),
    RefundRecord: sorted((await prisma.refundRecord.findMany({ where })).map((r) => r.refundId)),
    OutboxMessage: sorted((await prisma.outboxMessage.findMany({ where })).map((r) => r.orderShopifyId)),
    PostPurchaseOffer: sorted((await prisma.postPurchaseOffer.findMany({ where })).map((r) => r.referenceId)),
    PostPurchaseUpsell: sorted((await prisma.postPurchaseUpsell.findMany({ where })).map((r) => r.referenceId)),
    ThankYouOrderEdit: sorted((await prisma.thankYouOrderEdit.findMany({ where })).map((r) => r.orderId)),
  };
}
