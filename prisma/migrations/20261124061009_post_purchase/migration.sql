-- CreateTable
CREATE TABLE "PostPurchaseOffer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "referenceId" TEXT NOT NULL,
    "orderId" TEXT,
    "offerId" TEXT NOT NULL,
    "experimentId" TEXT,
    "armVariantId" TEXT,
    "moment" TEXT NOT NULL DEFAULT 'post_purchase',
    "status" TEXT NOT NULL DEFAULT 'offered',
    "step" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "finalMinor" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PostPurchaseUpsell" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "referenceId" TEXT NOT NULL,
    "orderId" TEXT,
    "offerId" TEXT NOT NULL,
    "experimentId" TEXT,
    "armVariantId" TEXT,
    "moment" TEXT NOT NULL DEFAULT 'post_purchase',
    "variantIds" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "jti" TEXT NOT NULL,
    "changes" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "finalMinor" INTEGER NOT NULL,
    "signedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "PostPurchaseOffer_shopId_orderId_idx" ON "PostPurchaseOffer"("shopId", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "PostPurchaseOffer_shopId_referenceId_offerId_key" ON "PostPurchaseOffer"("shopId", "referenceId", "offerId");

-- CreateIndex
CREATE UNIQUE INDEX "PostPurchaseUpsell_jti_key" ON "PostPurchaseUpsell"("jti");

-- CreateIndex
CREATE INDEX "PostPurchaseUpsell_shopId_referenceId_idx" ON "PostPurchaseUpsell"("shopId", "referenceId");

-- CreateIndex
CREATE UNIQUE INDEX "PostPurchaseUpsell_shopId_referenceId_offerId_key" ON "PostPurchaseUpsell"("shopId", "referenceId", "offerId");

