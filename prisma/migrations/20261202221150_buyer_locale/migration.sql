-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "buyerLocale" TEXT;

