-- AlterTable
ALTER TABLE "Event" ADD COLUMN "cartMinor" INTEGER;
ALTER TABLE "Event" ADD COLUMN "version" INTEGER;

-- CreateTable
CREATE TABLE "ExperimentVersion" (
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "holdoutBps" INTEGER NOT NULL,
    "shares" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shopId", "experimentId", "version")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Experiment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "holdoutBps" INTEGER NOT NULL DEFAULT 1000,
    "startedAt" DATETIME,
    "stoppedAt" DATETIME,
    "winnerVariantId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Experiment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Experiment_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Experiment" ("createdAt", "holdoutBps", "id", "offerId", "shopId", "startedAt", "status", "stoppedAt", "winnerVariantId") SELECT "createdAt", "holdoutBps", "id", "offerId", "shopId", "startedAt", "status", "stoppedAt", "winnerVariantId" FROM "Experiment";
DROP TABLE "Experiment";
ALTER TABLE "new_Experiment" RENAME TO "Experiment";
CREATE INDEX "Experiment_shopId_status_idx" ON "Experiment"("shopId", "status");
CREATE TABLE "new_ExperimentDaily" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "offerId" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "visitors" INTEGER NOT NULL DEFAULT 0,
    "converters" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "revenueMinor" INTEGER NOT NULL DEFAULT 0,
    "revenueSq" REAL NOT NULL DEFAULT 0,
    "orderValueSq" REAL NOT NULL DEFAULT 0,
    "covariateN" INTEGER NOT NULL DEFAULT 0,
    "covariateSum" REAL NOT NULL DEFAULT 0,
    "covariateSq" REAL NOT NULL DEFAULT 0,
    "crossSum" REAL NOT NULL DEFAULT 0
);
INSERT INTO "new_ExperimentDaily" ("arm", "converters", "country", "day", "device", "experimentId", "id", "offerId", "orderValueSq", "orders", "revenueMinor", "revenueSq", "segment", "shopId", "visitors") SELECT "arm", "converters", "country", "day", "device", "experimentId", "id", "offerId", "orderValueSq", "orders", "revenueMinor", "revenueSq", "segment", "shopId", "visitors" FROM "ExperimentDaily";
DROP TABLE "ExperimentDaily";
ALTER TABLE "new_ExperimentDaily" RENAME TO "ExperimentDaily";
CREATE INDEX "ExperimentDaily_shopId_day_idx" ON "ExperimentDaily"("shopId", "day");
CREATE UNIQUE INDEX "ExperimentDaily_shopId_experimentId_version_arm_day_device_country_segment_key" ON "ExperimentDaily"("shopId", "experimentId", "version", "arm", "day", "device", "country", "segment");
CREATE TABLE "new_ExperimentExposure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "journeyKey" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "surface" TEXT NOT NULL DEFAULT '',
    "arm" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "cartMinor" INTEGER,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "revenueMinor" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" DATETIME NOT NULL
);
INSERT INTO "new_ExperimentExposure" ("arm", "country", "day", "device", "experimentId", "firstSeenAt", "id", "journeyKey", "moment", "offerId", "orders", "revenueMinor", "segment", "shopId") SELECT "arm", "country", "day", "device", "experimentId", "firstSeenAt", "id", "journeyKey", "moment", "offerId", "orders", "revenueMinor", "segment", "shopId" FROM "ExperimentExposure";
DROP TABLE "ExperimentExposure";
ALTER TABLE "new_ExperimentExposure" RENAME TO "ExperimentExposure";
CREATE INDEX "ExperimentExposure_shopId_journeyKey_idx" ON "ExperimentExposure"("shopId", "journeyKey");
CREATE UNIQUE INDEX "ExperimentExposure_shopId_experimentId_version_journeyKey_key" ON "ExperimentExposure"("shopId", "experimentId", "version", "journeyKey");
CREATE TABLE "new_JourneyOrder" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "rank" INTEGER NOT NULL DEFAULT 0,
    "totalMinor" INTEGER NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "cancelledAt" DATETIME,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "orderId", "journeyKey")
);
INSERT INTO "new_JourneyOrder" ("createdAt", "currency", "journeyKey", "orderId", "shopId", "totalMinor") SELECT "createdAt", "currency", "journeyKey", "orderId", "shopId", "totalMinor" FROM "JourneyOrder";
DROP TABLE "JourneyOrder";
ALTER TABLE "new_JourneyOrder" RENAME TO "JourneyOrder";
CREATE INDEX "JourneyOrder_shopId_journeyKey_idx" ON "JourneyOrder"("shopId", "journeyKey");
CREATE TABLE "new_RefundRecord" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "attributedMinor" INTEGER NOT NULL,
    "orderMinor" INTEGER NOT NULL DEFAULT 0,
    "pending" BOOLEAN NOT NULL DEFAULT false,
    "payload" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "refundId")
);
INSERT INTO "new_RefundRecord" ("attributedMinor", "createdAt", "orderId", "refundId", "shopId") SELECT "attributedMinor", "createdAt", "orderId", "refundId", "shopId" FROM "RefundRecord";
DROP TABLE "RefundRecord";
ALTER TABLE "new_RefundRecord" RENAME TO "RefundRecord";
CREATE INDEX "RefundRecord_shopId_orderId_idx" ON "RefundRecord"("shopId", "orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

