-- CreateTable
CREATE TABLE "SuggestionRun" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "basis" TEXT,
    "operationId" TEXT,
    "since" DATETIME,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "ordersMined" INTEGER NOT NULL DEFAULT 0,
    "linesRead" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Suggestion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "triggerProductId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "coPurchases" INTEGER NOT NULL,
    "lift" REAL,
    "expectedTakeRate" REAL NOT NULL,
    "incrementalTakeRate" REAL NOT NULL,
    "expectedRevenuePer1000" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Suggestion_shopId_moment_rank_idx" ON "Suggestion"("shopId", "moment", "rank");
