import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { PrismaPg } from "@prisma/adapter-pg";
import { env } from "./env.server";

export type Dialect = "sqlite" | "postgresql";
/** Which database a DATABASE_URL names: the one place raw SQL and start-up decide on. */
export const dialectOf = (databaseUrl: string): Dialect => (/^postgres(ql)?:/.test(databaseUrl) ? "postgresql" : "sqlite");

/**
 * A Prisma client in JS engine mode: libsql for `file:` URLs, node-postgres for `postgres(ql)://`
 * (docs/decisions/002-database.md). The PostgreSQL client is generated from the same schema by
 * scripts/prisma-postgres.mjs into node_modules/.prisma-postgres/client; it is loaded only when
 * asked for, at run time (resolved from node_modules like @prisma/client's own `.prisma/client`),
 * so the SQLite path neither loads nor bundles it.
 */
export function createPrisma(databaseUrl: string): PrismaClient {
  if (dialectOf(databaseUrl) === "postgresql") return createPostgresPrisma(databaseUrl);
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("DATABASE_URL must be file:... (SQLite) or postgresql://... (see docs/decisions/002-database.md)");
  }
  return new PrismaClient({ adapter: new PrismaLibSQL({ url: databaseUrl }) });
}

function createPostgresPrisma(databaseUrl: string): PrismaClient {
  const require = createRequire(import.meta.url);
  const { PrismaPg: Adapter } = require("@prisma/adapter-pg") as { PrismaPg: typeof PrismaPg };
  let generated: { PrismaClient: new (options: { adapter: PrismaPg }) => unknown };
  try {
    generated = require(".prisma-postgres/client");
  } catch (error) {
    throw new Error(
      `The PostgreSQL Prisma client is missing: run \`node scripts/prisma-postgres.mjs\` (npm run setup does). ${error instanceof Error ? error.message : error}`,
    );
  }
  // Same models, same API: only the SQL dialect differs, so the SQLite client's type describes it.
  return new generated.PrismaClient({ adapter: new Adapter({ connectionString: databaseUrl }) }) as PrismaClient;
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
export async function tuneSqlite(prisma: PrismaClient, databaseUrl = env().DATABASE_URL): Promise<void> {
  // PRAGMAs are SQLite's; PostgreSQL is tuned on the server.
  if (dialectOf(databaseUrl) !== "sqlite") return;
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
