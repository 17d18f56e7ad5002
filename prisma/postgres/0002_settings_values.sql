-- Settings: currency display becomes Intl's currencyDisplay, decline behaviour "offer" | "journey".
-- AlterTable
ALTER TABLE "ShopSettings" ALTER COLUMN "declineBehaviour" SET DEFAULT 'offer',
ALTER COLUMN "currencyDisplay" SET DEFAULT 'symbol';


-- The old choices become the new ones: prices were always shown in the buyer's currency, with its symbol.
UPDATE "ShopSettings" SET "currencyDisplay" = 'symbol' WHERE "currencyDisplay" NOT IN ('symbol', 'narrowSymbol', 'code');
UPDATE "ShopSettings" SET "declineBehaviour" = 'offer' WHERE "declineBehaviour" <> 'journey';
