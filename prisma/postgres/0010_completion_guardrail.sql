-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "email" TEXT;

-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "archiveLosers" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "completionThresholdPoints" DOUBLE PRECISION NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "GuardrailEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "evidence" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "emailStatus" TEXT NOT NULL DEFAULT 'pending',
    "emailTo" TEXT,
    "emailError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "GuardrailEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GuardrailEvent_shopId_offerId_idx" ON "GuardrailEvent"("shopId", "offerId");

-- CreateIndex
CREATE UNIQUE INDEX "GuardrailEvent_shopId_experimentId_version_kind_key" ON "GuardrailEvent"("shopId", "experimentId", "version", "kind");
