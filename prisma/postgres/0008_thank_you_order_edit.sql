-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "thankYouAccept" TEXT NOT NULL DEFAULT 'order_edit';

-- CreateTable
CREATE TABLE "ThankYouOrderEdit" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "experimentId" TEXT,
    "armId" TEXT,
    "moment" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "lines" TEXT NOT NULL DEFAULT '[]',
    "currency" TEXT NOT NULL,
    "finalMinor" BIGINT NOT NULL,
    "chargedMinor" BIGINT NOT NULL DEFAULT 0,
    "balanceMinor" BIGINT NOT NULL DEFAULT 0,
    "invoiceSentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ThankYouOrderEdit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemoOrder" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "checkoutToken" TEXT NOT NULL,
    "journeyKey" TEXT,
    "currency" TEXT NOT NULL,
    "country" TEXT,
    "locale" TEXT,
    "lines" TEXT NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "totalMinor" BIGINT NOT NULL,
    "receivedMinor" BIGINT NOT NULL,
    "edits" TEXT NOT NULL DEFAULT '[]',
    "invoiceSentAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DemoOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ThankYouOrderEdit_shopId_createdAt_idx" ON "ThankYouOrderEdit"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ThankYouOrderEdit_shopId_orderId_offerId_key" ON "ThankYouOrderEdit"("shopId", "orderId", "offerId");

-- CreateIndex
CREATE UNIQUE INDEX "DemoOrder_shopId_orderId_key" ON "DemoOrder"("shopId", "orderId");

