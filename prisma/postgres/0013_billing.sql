-- CreateTable
CREATE TABLE "BillingSubscription" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "shopifyId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "usageLineItemId" TEXT,
    "currency" TEXT NOT NULL,
    "cappedAmountMinor" BIGINT NOT NULL DEFAULT 0,
    "flatPriceMinor" BIGINT NOT NULL DEFAULT 0,
    "shareBps" INTEGER NOT NULL DEFAULT 0,
    "trialDays" INTEGER NOT NULL DEFAULT 0,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "confirmationUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BillingSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BillingPeriod" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'claimed',
    "reason" TEXT,
    "subscriptionId" TEXT,
    "currency" TEXT NOT NULL,
    "billableMinor" BIGINT NOT NULL DEFAULT 0,
    "freeTierMinor" BIGINT NOT NULL DEFAULT 0,
    "shareBps" INTEGER NOT NULL DEFAULT 0,
    "feeMinor" BIGINT NOT NULL DEFAULT 0,
    "chargedMinor" BIGINT NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT NOT NULL,
    "usageRecordId" TEXT,
    "simulated" BOOLEAN NOT NULL DEFAULT false,
    "lines" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "chargedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BillingPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BillingSubscription_shopifyId_key" ON "BillingSubscription"("shopifyId");

-- CreateIndex
CREATE INDEX "BillingSubscription_shopId_createdAt_idx" ON "BillingSubscription"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BillingPeriod_idempotencyKey_key" ON "BillingPeriod"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "BillingPeriod_shopId_period_key" ON "BillingPeriod"("shopId", "period");

