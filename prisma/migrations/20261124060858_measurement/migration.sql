-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "clientEventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "offerId" TEXT,
    "experimentId" TEXT,
    "variantId" TEXT,
    "arm" TEXT NOT NULL,
    "device" TEXT,
    "country" TEXT,
    "currency" TEXT,
    "returning" BOOLEAN,
    "valueMinor" INTEGER,
    "occurredAt" DATETIME NOT NULL,
    "day" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "orders" INTEGER NOT NULL DEFAULT 0,
    "revenueMinor" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OfferView" (
    "shopId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "arm" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("shopId", "journeyKey", "offerId", "moment")
);

-- CreateTable
CREATE TABLE "MomentDaily" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL DEFAULT '',
    "arm" TEXT NOT NULL DEFAULT 'none',
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "views" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "accepts" INTEGER NOT NULL DEFAULT 0,
    "declines" INTEGER NOT NULL DEFAULT 0,
    "exitIntents" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,
    "unsubscribes" INTEGER NOT NULL DEFAULT 0,
    "acceptedMinor" INTEGER NOT NULL DEFAULT 0,
    "attributedOrders" INTEGER NOT NULL DEFAULT 0,
    "attributedMinor" INTEGER NOT NULL DEFAULT 0,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "ExperimentDaily" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
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
    "orderValueSq" REAL NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "AttributedLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL DEFAULT '',
    "offerId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL DEFAULT '',
    "moment" TEXT NOT NULL,
    "arm" TEXT NOT NULL DEFAULT 'variant',
    "day" TEXT NOT NULL,
    "device" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL DEFAULT '',
    "segment" TEXT NOT NULL DEFAULT '',
    "quantity" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "revenueMinor" INTEGER NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "JourneyOrder" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "orderId")
);

-- CreateTable
CREATE TABLE "RefundRecord" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "attributedMinor" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "refundId")
);

-- CreateIndex
CREATE INDEX "Event_shopId_day_idx" ON "Event"("shopId", "day");

-- CreateIndex
CREATE INDEX "Event_shopId_journeyKey_idx" ON "Event"("shopId", "journeyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Event_shopId_clientEventId_key" ON "Event"("shopId", "clientEventId");

-- CreateIndex
CREATE INDEX "ExperimentExposure_shopId_journeyKey_idx" ON "ExperimentExposure"("shopId", "journeyKey");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentExposure_shopId_experimentId_journeyKey_key" ON "ExperimentExposure"("shopId", "experimentId", "journeyKey");

-- CreateIndex
CREATE INDEX "MomentDaily_shopId_day_idx" ON "MomentDaily"("shopId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "MomentDaily_shopId_day_moment_offerId_variantId_arm_device_country_segment_key" ON "MomentDaily"("shopId", "day", "moment", "offerId", "variantId", "arm", "device", "country", "segment");

-- CreateIndex
CREATE INDEX "ExperimentDaily_shopId_day_idx" ON "ExperimentDaily"("shopId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentDaily_shopId_experimentId_arm_day_device_country_segment_key" ON "ExperimentDaily"("shopId", "experimentId", "arm", "day", "device", "country", "segment");

-- CreateIndex
CREATE INDEX "AttributedLine_shopId_orderId_idx" ON "AttributedLine"("shopId", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "AttributedLine_shopId_lineId_key" ON "AttributedLine"("shopId", "lineId");

-- CreateIndex
CREATE INDEX "JourneyOrder_shopId_journeyKey_idx" ON "JourneyOrder"("shopId", "journeyKey");

