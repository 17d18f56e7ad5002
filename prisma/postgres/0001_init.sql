-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "plan" TEXT NOT NULL DEFAULT 'basic',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "scopes" TEXT,
    "publishedAt" TIMESTAMP(3),
    "publishedHash" TEXT,
    "publishError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Publication" (
    "shopId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "offerCount" INTEGER NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shopId" TEXT NOT NULL,
    "journeyCap" INTEGER NOT NULL DEFAULT 3,
    "declineBehaviour" TEXT NOT NULL DEFAULT 'hide_for_journey',
    "defaultLocale" TEXT NOT NULL DEFAULT 'en',
    "currencyDisplay" TEXT NOT NULL DEFAULT 'presentment',
    "emailDelayHours" INTEGER NOT NULL DEFAULT 48,
    "emailSenderName" TEXT,
    "emailSenderAddress" TEXT,
    "retentionDays" INTEGER NOT NULL DEFAULT 365,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "MomentSetting" (
    "shopId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "maxOffers" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "MomentSetting_pkey" PRIMARY KEY ("shopId","moment")
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "definition" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfferMoment" (
    "offerId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,

    CONSTRAINT "OfferMoment_pkey" PRIMARY KEY ("offerId","moment")
);

-- CreateTable
CREATE TABLE "OfferVariant" (
    "id" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "isControl" BOOLEAN NOT NULL DEFAULT false,
    "overrides" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfferVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "offerId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "holdoutBps" INTEGER NOT NULL DEFAULT 1000,
    "startedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "winnerVariantId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "currency" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "subtotalMinor" INTEGER NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "lines" TEXT NOT NULL DEFAULT '[]',
    "sourceName" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT,
    "shopDomain" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "ordersJson" TEXT NOT NULL DEFAULT '[]',
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "webhookId" TEXT NOT NULL,
    "shopId" TEXT,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "DemoProduct" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "productType" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '',
    "collections" TEXT NOT NULL DEFAULT '',
    "imageUrl" TEXT,

    CONSTRAINT "DemoProduct_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemoVariant" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sku" TEXT,
    "priceEurMinor" INTEGER NOT NULL,
    "priceUsdMinor" INTEGER NOT NULL,
    "inventory" INTEGER NOT NULL DEFAULT 100,
    "sellingPlanId" TEXT,

    CONSTRAINT "DemoVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemoCustomer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '',
    "marketingConsent" BOOLEAN NOT NULL DEFAULT false,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DemoCustomer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemoMetafield" (
    "shopId" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DemoMetafield_pkey" PRIMARY KEY ("shopId","namespace","key")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
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
    "dueAt" TIMESTAMP(3) NOT NULL,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "messageId" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "firstClickAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailUnsubscribe" (
    "shopId" TEXT NOT NULL,
    "emailHash" TEXT NOT NULL,
    "customerId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'link',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailUnsubscribe_pkey" PRIMARY KEY ("shopId","emailHash")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
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
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "day" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "id" TEXT NOT NULL,
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
    "firstSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExperimentExposure_pkey" PRIMARY KEY ("id")
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

    CONSTRAINT "OfferView_pkey" PRIMARY KEY ("shopId","journeyKey","offerId","moment")
);

-- CreateTable
CREATE TABLE "MomentDaily" (
    "id" TEXT NOT NULL,
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
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "MomentDaily_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentDaily" (
    "id" TEXT NOT NULL,
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
    "revenueSq" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "orderValueSq" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "ExperimentDaily_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttributedLine" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttributedLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JourneyOrder" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "journeyKey" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JourneyOrder_pkey" PRIMARY KEY ("shopId","orderId")
);

-- CreateTable
CREATE TABLE "RefundRecord" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "attributedMinor" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefundRecord_pkey" PRIMARY KEY ("shopId","refundId")
);

-- CreateTable
CREATE TABLE "PostPurchaseOffer" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PostPurchaseOffer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostPurchaseUpsell" (
    "id" TEXT NOT NULL,
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
    "signedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostPurchaseUpsell_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "Offer_shopId_status_idx" ON "Offer"("shopId", "status");

-- CreateIndex
CREATE INDEX "OfferMoment_moment_idx" ON "OfferMoment"("moment");

-- CreateIndex
CREATE INDEX "Experiment_shopId_status_idx" ON "Experiment"("shopId", "status");

-- CreateIndex
CREATE INDEX "Order_shopId_customerId_idx" ON "Order"("shopId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_shopifyId_key" ON "Order"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopDomain_idx" ON "WebhookEvent"("shopDomain");

-- CreateIndex
CREATE INDEX "DemoProduct_shopId_idx" ON "DemoProduct"("shopId");

-- CreateIndex
CREATE INDEX "DemoCustomer_shopId_idx" ON "DemoCustomer"("shopId");

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
CREATE UNIQUE INDEX "MomentDaily_shopId_day_moment_offerId_variantId_arm_device__key" ON "MomentDaily"("shopId", "day", "moment", "offerId", "variantId", "arm", "device", "country", "segment");

-- CreateIndex
CREATE INDEX "ExperimentDaily_shopId_day_idx" ON "ExperimentDaily"("shopId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentDaily_shopId_experimentId_arm_day_device_country__key" ON "ExperimentDaily"("shopId", "experimentId", "arm", "day", "device", "country", "segment");

-- CreateIndex
CREATE INDEX "AttributedLine_shopId_orderId_idx" ON "AttributedLine"("shopId", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "AttributedLine_shopId_lineId_key" ON "AttributedLine"("shopId", "lineId");

-- CreateIndex
CREATE INDEX "JourneyOrder_shopId_journeyKey_idx" ON "JourneyOrder"("shopId", "journeyKey");

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

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopSettings" ADD CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MomentSetting" ADD CONSTRAINT "MomentSetting_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferMoment" ADD CONSTRAINT "OfferMoment_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferVariant" ADD CONSTRAINT "OfferVariant_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataRequest" ADD CONSTRAINT "DataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEvent" ADD CONSTRAINT "WebhookEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DemoProduct" ADD CONSTRAINT "DemoProduct_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DemoVariant" ADD CONSTRAINT "DemoVariant_productId_fkey" FOREIGN KEY ("productId") REFERENCES "DemoProduct"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DemoCustomer" ADD CONSTRAINT "DemoCustomer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DemoMetafield" ADD CONSTRAINT "DemoMetafield_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

