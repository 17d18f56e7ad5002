import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { env } from "./env.server";

/** A Prisma client in JS engine mode over the libsql driver (docs/decisions/002-database.md). */
export function createPrisma(databaseUrl: string): PrismaClient {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("This build supports SQLite DATABASE_URLs (file:...); see docs/decisions/002-database.md for PostgreSQL");
  }
  return new PrismaClient({ adapter: new PrismaLibSQL({ url: databaseUrl }) });
}

declare global {
  // Reused across Vite dev-server reloads so connections are not leaked.
  var __momentsPrisma: PrismaClient | undefined;
}

export function db(): PrismaClient {
  globalThis.__momentsPrisma ??= createPrisma(env().DATABASE_URL);
  return globalThis.__momentsPrisma;
}

/**
 * WAL lets the app, the email worker and tests read while one writes, and NORMAL sync in WAL mode
 * still survives a crashed process (only an OS crash can lose the last commits). busy_timeout
 * makes a second writer wait instead of failing with SQLITE_BUSY.
 */
export async function tuneSqlite(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  await prisma.$queryRawUnsafe("PRAGMA synchronous=NORMAL");
  await prisma.$queryRawUnsafe("PRAGMA busy_timeout=5000");
}

export async function databaseReachable(): Promise<boolean> {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
