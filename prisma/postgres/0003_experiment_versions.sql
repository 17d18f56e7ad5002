-- DropIndex
DROP INDEX "ExperimentExposure_shopId_experimentId_journeyKey_key";

-- DropIndex
DROP INDEX "ExperimentDaily_shopId_experimentId_arm_day_device_country__key";

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "cartMinor" INTEGER,
ADD COLUMN     "version" INTEGER;

-- AlterTable
ALTER TABLE "ExperimentExposure" ADD COLUMN     "cartMinor" INTEGER,
ADD COLUMN     "surface" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "ExperimentDaily" ADD COLUMN     "covariateN" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "covariateSq" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "covariateSum" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "crossSum" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "JourneyOrder" DROP CONSTRAINT "JourneyOrder_pkey",
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "rank" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "refundedMinor" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "JourneyOrder_pkey" PRIMARY KEY ("shopId", "orderId", "journeyKey");

-- AlterTable
ALTER TABLE "RefundRecord" ADD COLUMN     "orderMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "payload" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "pending" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ExperimentVersion" (
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "holdoutBps" INTEGER NOT NULL,
    "shares" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "ExperimentVersion_pkey" PRIMARY KEY ("shopId","experimentId","version")
);

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentExposure_shopId_experimentId_version_journeyKey_key" ON "ExperimentExposure"("shopId", "experimentId", "version", "journeyKey");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentDaily_shopId_experimentId_version_arm_day_device__key" ON "ExperimentDaily"("shopId", "experimentId", "version", "arm", "day", "device", "country", "segment");

-- CreateIndex
CREATE INDEX "RefundRecord_shopId_orderId_idx" ON "RefundRecord"("shopId", "orderId");

