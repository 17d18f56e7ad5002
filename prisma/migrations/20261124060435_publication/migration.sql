-- CreateTable
CREATE TABLE "Publication" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "payload" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "offerCount" INTEGER NOT NULL,
    "publishedAt" DATETIME NOT NULL,
    CONSTRAINT "Publication_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

