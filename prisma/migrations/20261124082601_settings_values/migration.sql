-- Settings: currency display becomes Intl's currencyDisplay, decline behaviour "offer" | "journey".
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ShopSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "journeyCap" INTEGER NOT NULL DEFAULT 3,
    "declineBehaviour" TEXT NOT NULL DEFAULT 'offer',
    "defaultLocale" TEXT NOT NULL DEFAULT 'en',
    "currencyDisplay" TEXT NOT NULL DEFAULT 'symbol',
    "emailDelayHours" INTEGER NOT NULL DEFAULT 48,
    "emailSenderName" TEXT,
    "emailSenderAddress" TEXT,
    "retentionDays" INTEGER NOT NULL DEFAULT 365,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ShopSettings" ("currencyDisplay", "declineBehaviour", "defaultLocale", "emailDelayHours", "emailSenderAddress", "emailSenderName", "journeyCap", "retentionDays", "shopId", "updatedAt") SELECT
    -- The old choices become the new ones: prices were always shown in the buyer's currency, with its symbol.
    CASE WHEN "currencyDisplay" IN ('symbol', 'narrowSymbol', 'code') THEN "currencyDisplay" ELSE 'symbol' END,
    CASE WHEN "declineBehaviour" = 'journey' THEN 'journey' ELSE 'offer' END,
    "defaultLocale", "emailDelayHours", "emailSenderAddress", "emailSenderName", "journeyCap", "retentionDays", "shopId", "updatedAt" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

