-- DropIndex
DROP INDEX "Event_shopId_journeyKey_idx";

-- DropIndex
DROP INDEX "Event_shopId_clientEventId_key";

-- DropIndex
DROP INDEX "ExperimentExposure_shopId_journeyKey_idx";

-- DropIndex
DROP INDEX "ExperimentExposure_shopId_experimentId_version_journeyKey_key";

-- CreateIndex
CREATE UNIQUE INDEX "Event_shopId_journeyKey_clientEventId_key" ON "Event"("shopId", "journeyKey", "clientEventId");

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentExposure_shopId_journeyKey_experimentId_version_key" ON "ExperimentExposure"("shopId", "journeyKey", "experimentId", "version");

