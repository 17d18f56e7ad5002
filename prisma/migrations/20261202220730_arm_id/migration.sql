-- The experiment arm is `armId` everywhere (docs/decisions/020-arm-id.md). Written by hand: Prisma's
-- diff drops the old columns and adds the new ones, losing what they hold; RENAME COLUMN keeps it.
ALTER TABLE "Event" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "MomentDaily" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "AttributedLine" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "OutboxMessage" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "PostPurchaseOffer" RENAME COLUMN "armVariantId" TO "armId";
ALTER TABLE "PostPurchaseUpsell" RENAME COLUMN "armVariantId" TO "armId";
ALTER TABLE "Experiment" RENAME COLUMN "winnerVariantId" TO "winnerArmId";

-- The roll-up's unique index follows its column (Prisma names indexes after their columns); SQLite
-- cannot rename an index, so the new one is built before the old one goes.
CREATE UNIQUE INDEX "MomentDaily_shopId_day_moment_offerId_armId_arm_device_country_segment_key" ON "MomentDaily"("shopId", "day", "moment", "offerId", "armId", "arm", "device", "country", "segment");
DROP INDEX "MomentDaily_shopId_day_moment_offerId_variantId_arm_device_country_segment_key";
