-- AlterTable
ALTER TABLE "Offer" ADD COLUMN "freeGift" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN "priceFloorPercent" INTEGER NOT NULL DEFAULT 10;
