-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "allocation" TEXT NOT NULL DEFAULT 'fixed';

-- CreateTable
CREATE TABLE "AllocationEpoch" (
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "day" TEXT NOT NULL,
    "holdoutBps" INTEGER NOT NULL,
    "weights" TEXT NOT NULL,
    "probabilities" TEXT NOT NULL DEFAULT '{}',
    "basisDays" INTEGER NOT NULL DEFAULT 0,
    "publishedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "experimentId", "version", "day")
);

-- CreateIndex
CREATE INDEX "AllocationEpoch_shopId_experimentId_idx" ON "AllocationEpoch"("shopId", "experimentId");
