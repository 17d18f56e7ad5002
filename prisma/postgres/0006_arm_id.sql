-- The experiment arm is `armId` everywhere (docs/decisions/020-arm-id.md). Written by hand from what
-- `node scripts/prisma-postgres.mjs migration arm_id` generated: Prisma's diff drops the old columns
-- and adds the new ones, losing what they hold; RENAME COLUMN keeps it (and the index on it).
ALTER TABLE "Event" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "MomentDaily" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "AttributedLine" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "OutboxMessage" RENAME COLUMN "variantId" TO "armId";
ALTER TABLE "PostPurchaseOffer" RENAME COLUMN "armVariantId" TO "armId";
ALTER TABLE "PostPurchaseUpsell" RENAME COLUMN "armVariantId" TO "armId";
ALTER TABLE "Experiment" RENAME COLUMN "winnerVariantId" TO "winnerArmId";

-- The roll-up's unique index takes the name Prisma gives it after its columns.
ALTER INDEX "MomentDaily_shopId_day_moment_offerId_variantId_arm_device__key" RENAME TO "MomentDaily_shopId_day_moment_offerId_armId_arm_device_coun_key";
