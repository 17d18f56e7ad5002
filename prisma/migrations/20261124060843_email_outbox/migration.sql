-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderShopifyId" TEXT NOT NULL,
    "customerId" TEXT,
    "recipient" TEXT NOT NULL,
    "recipientHash" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "variantId" TEXT,
    "experimentId" TEXT,
    "content" TEXT NOT NULL,
    "discountCode" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "dueAt" DATETIME NOT NULL,
    "nextAttemptAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME,
    "sentAt" DATETIME,
    "messageId" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "firstClickAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EmailUnsubscribe" (
    "shopId" TEXT NOT NULL,
    "emailHash" TEXT NOT NULL,
    "customerId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'link',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "emailHash")
);

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_shopId_status_idx" ON "OutboxMessage"("shopId", "status");

-- CreateIndex
CREATE INDEX "OutboxMessage_shopId_recipientHash_idx" ON "OutboxMessage"("shopId", "recipientHash");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_shopId_orderShopifyId_key" ON "OutboxMessage"("shopId", "orderShopifyId");

-- CreateIndex
CREATE INDEX "EmailUnsubscribe_shopId_customerId_idx" ON "EmailUnsubscribe"("shopId", "customerId");

