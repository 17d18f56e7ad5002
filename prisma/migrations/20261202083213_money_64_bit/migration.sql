-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AttributedLine" (
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
    "revenueMinor" BIGINT NOT NULL,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_AttributedLine" ("arm", "country", "createdAt", "currency", "day", "device", "id", "journeyKey", "lineId", "moment", "offerId", "orderId", "quantity", "refundedMinor", "revenueMinor", "segment", "shopId", "variantId") SELECT "arm", "country", "createdAt", "currency", "day", "device", "id", "journeyKey", "lineId", "moment", "offerId", "orderId", "quantity", "refundedMinor", "revenueMinor", "segment", "shopId", "variantId" FROM "AttributedLine";
DROP TABLE "AttributedLine";
ALTER TABLE "new_AttributedLine" RENAME TO "AttributedLine";
CREATE INDEX "AttributedLine_shopId_orderId_idx" ON "AttributedLine"("shopId", "orderId");
CREATE UNIQUE INDEX "AttributedLine_shopId_lineId_key" ON "AttributedLine"("shopId", "lineId");
CREATE TABLE "new_DemoVariant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "productId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sku" TEXT,
    "priceEurMinor" BIGINT NOT NULL,
    "priceUsdMinor" BIGINT NOT NULL,
    "inventory" INTEGER NOT NULL DEFAULT 100,
    "sellingPlanId" TEXT,
    CONSTRAINT "DemoVariant_productId_fkey" FOREIGN KEY ("productId") REFERENCES "DemoProduct" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DemoVariant" ("id", "inventory", "priceEurMinor", "priceUsdMinor", "productId", "sellingPlanId", "sku", "title") SELECT "id", "inventory", "priceEurMinor", "priceUsdMinor", "productId", "sellingPlanId", "sku", "title" FROM "DemoVariant";
DROP TABLE "DemoVariant";
ALTER TABLE "new_DemoVariant" RENAME TO "DemoVariant";
CREATE TABLE "new_Event" (
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
    "version" INTEGER,
    "cartMinor" BIGINT,
    "device" TEXT,
    "country" TEXT,
    "currency" TEXT,
    "returning" BOOLEAN,
    "valueMinor" BIGINT,
    "occurredAt" DATETIME NOT NULL,
    "day" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Event" ("arm", "cartMinor", "clientEventId", "country", "currency", "day", "device", "experimentId", "id", "journeyKey", "moment", "occurredAt", "offerId", "receivedAt", "returning", "shopId", "surface", "type", "valueMinor", "variantId", "version") SELECT "arm", "cartMinor", "clientEventId", "country", "currency", "day", "device", "experimentId", "id", "journeyKey", "moment", "occurredAt", "offerId", "receivedAt", "returning", "shopId", "surface", "type", "valueMinor", "variantId", "version" FROM "Event";
DROP TABLE "Event";
ALTER TABLE "new_Event" RENAME TO "Event";
CREATE INDEX "Event_shopId_day_idx" ON "Event"("shopId", "day");
CREATE INDEX "Event_shopId_journeyKey_idx" ON "Event"("shopId", "journeyKey");
CREATE UNIQUE INDEX "Event_shopId_clientEventId_key" ON "Event"("shopId", "clientEventId");
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
    "visitors" BIGINT NOT NULL DEFAULT 0,
    "converters" BIGINT NOT NULL DEFAULT 0,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "revenueMinor" BIGINT NOT NULL DEFAULT 0,
    "revenueSq" REAL NOT NULL DEFAULT 0,
    "orderValueSq" REAL NOT NULL DEFAULT 0,
    "covariateN" BIGINT NOT NULL DEFAULT 0,
    "covariateSum" REAL NOT NULL DEFAULT 0,
    "covariateSq" REAL NOT NULL DEFAULT 0,
    "crossSum" REAL NOT NULL DEFAULT 0
);
INSERT INTO "new_ExperimentDaily" ("arm", "converters", "country", "covariateN", "covariateSq", "covariateSum", "crossSum", "day", "device", "experimentId", "id", "offerId", "orderValueSq", "orders", "revenueMinor", "revenueSq", "segment", "shopId", "version", "visitors") SELECT "arm", "converters", "country", "covariateN", "covariateSq", "covariateSum", "crossSum", "day", "device", "experimentId", "id", "offerId", "orderValueSq", "orders", "revenueMinor", "revenueSq", "segment", "shopId", "version", "visitors" FROM "ExperimentDaily";
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
    "cartMinor" BIGINT,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "revenueMinor" BIGINT NOT NULL DEFAULT 0,
    "firstSeenAt" DATETIME NOT NULL
);
INSERT INTO "new_ExperimentExposure" ("arm", "cartMinor", "country", "day", "device", "experimentId", "firstSeenAt", "id", "journeyKey", "moment", "offerId", "orders", "revenueMinor", "segment", "shopId", "surface", "version") SELECT "arm", "cartMinor", "country", "day", "device", "experimentId", "firstSeenAt", "id", "journeyKey", "moment", "offerId", "orders", "revenueMinor", "segment", "shopId", "surface", "version" FROM "ExperimentExposure";
DROP TABLE "ExperimentExposure";
ALTER TABLE "new_ExperimentExposure" RENAME TO "ExperimentExposure";
CREATE INDEX "ExperimentExposure_shopId_journeyKey_idx" ON "ExperimentExposure"("shopId", "journeyKey");
CREATE UNIQUE INDEX "ExperimentExposure_shopId_experimentId_version_journeyKey_key" ON "ExperimentExposure"("shopId", "experimentId", "version", "journeyKey");
CREATE TABLE "new_JourneyOrder" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "rank" INTEGER NOT NULL DEFAULT 0,
    "totalMinor" BIGINT NOT NULL,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0,
    "cancelledAt" DATETIME,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "orderId", "journeyKey")
);
INSERT INTO "new_JourneyOrder" ("cancelledAt", "createdAt", "currency", "journeyKey", "orderId", "rank", "refundedMinor", "shopId", "totalMinor") SELECT "cancelledAt", "createdAt", "currency", "journeyKey", "orderId", "rank", "refundedMinor", "shopId", "totalMinor" FROM "JourneyOrder";
DROP TABLE "JourneyOrder";
ALTER TABLE "new_JourneyOrder" RENAME TO "JourneyOrder";
CREATE INDEX "JourneyOrder_shopId_journeyKey_idx" ON "JourneyOrder"("shopId", "journeyKey");
CREATE TABLE "new_MomentDaily" (
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
    "impressions" BIGINT NOT NULL DEFAULT 0,
    "views" BIGINT NOT NULL DEFAULT 0,
    "clicks" BIGINT NOT NULL DEFAULT 0,
    "accepts" BIGINT NOT NULL DEFAULT 0,
    "declines" BIGINT NOT NULL DEFAULT 0,
    "exitIntents" BIGINT NOT NULL DEFAULT 0,
    "purchases" BIGINT NOT NULL DEFAULT 0,
    "unsubscribes" BIGINT NOT NULL DEFAULT 0,
    "acceptedMinor" BIGINT NOT NULL DEFAULT 0,
    "attributedOrders" BIGINT NOT NULL DEFAULT 0,
    "attributedMinor" BIGINT NOT NULL DEFAULT 0,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_MomentDaily" ("acceptedMinor", "accepts", "arm", "attributedMinor", "attributedOrders", "clicks", "country", "day", "declines", "device", "exitIntents", "id", "impressions", "moment", "offerId", "purchases", "refundedMinor", "segment", "shopId", "unsubscribes", "variantId", "views") SELECT "acceptedMinor", "accepts", "arm", "attributedMinor", "attributedOrders", "clicks", "country", "day", "declines", "device", "exitIntents", "id", "impressions", "moment", "offerId", "purchases", "refundedMinor", "segment", "shopId", "unsubscribes", "variantId", "views" FROM "MomentDaily";
DROP TABLE "MomentDaily";
ALTER TABLE "new_MomentDaily" RENAME TO "MomentDaily";
CREATE INDEX "MomentDaily_shopId_day_idx" ON "MomentDaily"("shopId", "day");
CREATE UNIQUE INDEX "MomentDaily_shopId_day_moment_offerId_variantId_arm_device_country_segment_key" ON "MomentDaily"("shopId", "day", "moment", "offerId", "variantId", "arm", "device", "country", "segment");
CREATE TABLE "new_Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "currency" TEXT NOT NULL,
    "totalMinor" BIGINT NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "lines" TEXT NOT NULL DEFAULT '[]',
    "sourceName" TEXT,
    "processedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Order" ("createdAt", "currency", "customerId", "email", "id", "lineCount", "lines", "name", "processedAt", "shopId", "shopifyId", "sourceName", "subtotalMinor", "totalMinor") SELECT "createdAt", "currency", "customerId", "email", "id", "lineCount", "lines", "name", "processedAt", "shopId", "shopifyId", "sourceName", "subtotalMinor", "totalMinor" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE INDEX "Order_shopId_customerId_idx" ON "Order"("shopId", "customerId");
CREATE UNIQUE INDEX "Order_shopId_shopifyId_key" ON "Order"("shopId", "shopifyId");
CREATE TABLE "new_PostPurchaseOffer" (
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
    "finalMinor" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_PostPurchaseOffer" ("armVariantId", "createdAt", "currency", "experimentId", "finalMinor", "id", "moment", "offerId", "orderId", "referenceId", "shopId", "status", "step", "updatedAt") SELECT "armVariantId", "createdAt", "currency", "experimentId", "finalMinor", "id", "moment", "offerId", "orderId", "referenceId", "shopId", "status", "step", "updatedAt" FROM "PostPurchaseOffer";
DROP TABLE "PostPurchaseOffer";
ALTER TABLE "new_PostPurchaseOffer" RENAME TO "PostPurchaseOffer";
CREATE INDEX "PostPurchaseOffer_shopId_orderId_idx" ON "PostPurchaseOffer"("shopId", "orderId");
CREATE UNIQUE INDEX "PostPurchaseOffer_shopId_referenceId_offerId_key" ON "PostPurchaseOffer"("shopId", "referenceId", "offerId");
CREATE TABLE "new_PostPurchaseUpsell" (
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
    "finalMinor" BIGINT NOT NULL,
    "signedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_PostPurchaseUpsell" ("armVariantId", "changes", "currency", "experimentId", "finalMinor", "id", "jti", "moment", "offerId", "orderId", "quantity", "referenceId", "shopId", "signedAt", "variantIds") SELECT "armVariantId", "changes", "currency", "experimentId", "finalMinor", "id", "jti", "moment", "offerId", "orderId", "quantity", "referenceId", "shopId", "signedAt", "variantIds" FROM "PostPurchaseUpsell";
DROP TABLE "PostPurchaseUpsell";
ALTER TABLE "new_PostPurchaseUpsell" RENAME TO "PostPurchaseUpsell";
CREATE UNIQUE INDEX "PostPurchaseUpsell_jti_key" ON "PostPurchaseUpsell"("jti");
CREATE INDEX "PostPurchaseUpsell_shopId_referenceId_idx" ON "PostPurchaseUpsell"("shopId", "referenceId");
CREATE UNIQUE INDEX "PostPurchaseUpsell_shopId_referenceId_offerId_key" ON "PostPurchaseUpsell"("shopId", "referenceId", "offerId");
CREATE TABLE "new_RefundRecord" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "attributedMinor" BIGINT NOT NULL,
    "orderMinor" BIGINT NOT NULL DEFAULT 0,
    "pending" BOOLEAN NOT NULL DEFAULT false,
    "payload" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "refundId")
);
INSERT INTO "new_RefundRecord" ("attributedMinor", "createdAt", "orderId", "orderMinor", "payload", "pending", "refundId", "shopId") SELECT "attributedMinor", "createdAt", "orderId", "orderMinor", "payload", "pending", "refundId", "shopId" FROM "RefundRecord";
DROP TABLE "RefundRecord";
ALTER TABLE "new_RefundRecord" RENAME TO "RefundRecord";
CREATE INDEX "RefundRecord_shopId_orderId_idx" ON "RefundRecord"("shopId", "orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

