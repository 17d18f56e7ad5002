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

export async function databaseReachable(): Promise<boolean> {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
