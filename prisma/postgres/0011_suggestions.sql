-- CreateTable
CREATE TABLE "SuggestionRun" (
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "basis" TEXT,
    "operationId" TEXT,
    "since" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "ordersMined" INTEGER NOT NULL DEFAULT 0,
    "linesRead" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SuggestionRun_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "Suggestion" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "triggerProductId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "coPurchases" INTEGER NOT NULL,
    "lift" DOUBLE PRECISION,
    "expectedTakeRate" DOUBLE PRECISION NOT NULL,
    "incrementalTakeRate" DOUBLE PRECISION NOT NULL,
    "expectedRevenuePer1000" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Suggestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Suggestion_shopId_moment_rank_idx" ON "Suggestion"("shopId", "moment", "rank");
