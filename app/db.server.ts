import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { Client, Config, InStatement, ResultSet, Transaction } from "@libsql/client";
import type { PrismaPg } from "@prisma/adapter-pg";
import { env } from "./env.server";

export type Dialect = "sqlite" | "postgresql";
/** Which database a DATABASE_URL names: the one place raw SQL and start-up decide on. */
export const dialectOf = (databaseUrl: string): Dialect => (/^postgres(ql)?:/.test(databaseUrl) ? "postgresql" : "sqlite");

/**
 * A Prisma client in JS engine mode: libsql for `file:` URLs, node-postgres for `postgres(ql)://`
 * (docs/decisions/002-database.md). The PostgreSQL client is generated from the same schema by
 * scripts/prisma-postgres.mjs into node_modules/.prisma-postgres/client, with its own copy of
 * Prisma's runtime (raw SQL and error checks go through app/lib/sql.server.ts, which depends on
 * neither runtime's classes); it is loaded only when asked for, at run time (resolved from
 * node_modules like @prisma/client's own `.prisma/client`), so the SQLite path neither loads nor
 * bundles it.
 */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  if (dialectOf(databaseUrl) === "postgresql") return createPostgresPrisma(databaseUrl, poolSize);
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("DATABASE_URL must be file:... (SQLite) or postgresql://... (see docs/decisions/002-database.md)");
  }
  return new PrismaClient({ adapter: new OneConnectionLibSQL({ url: databaseUrl }) });
}

/**
 * Prisma's libsql adapter on a client whose interactive transactions run on its one long-lived,
 * tuned connection. @libsql/client (0.8) hands each transaction the current connection and opens a
 * new one for the client: every transaction paid a connection open and schema parse, and ran with
 * SQLite's per-connection defaults (synchronous=FULL: an fsync per commit, 4-5 ms on this disk;
 * busy_timeout 0). The adapter already holds its lock for the whole of a transaction, so no other
 * statement of this client can land inside it: the same connection is safe. BEGIN IMMEDIATE takes
 * the write lock up front, so a second process (the email worker) waits busy_timeout for it instead
 * of failing when a deferred transaction upgrades.
 */
class OneConnectionLibSQL extends PrismaLibSQL {
  override createClient(config: Config): Client {
    const client = super.createClient(config);
    // The sqlite3 client runs a statement synchronously when called: these apply before any other.
    // WAL lets readers (another process, a test) read while one writes; NORMAL sync in WAL mode still
    // survives a crashed process (only an OS crash can lose the last commits).
    for (const pragma of ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA cache_size=-65536"]) {
      client.execute(pragma).catch((error: unknown) => console.error(`SQLite ${pragma} failed: ${error instanceof Error ? error.message : error}`));
    }
    const transaction = async (): Promise<Transaction> => {
      await client.execute("BEGIN IMMEDIATE");
      let closed = false;
      const end = async (statement: "COMMIT" | "ROLLBACK") => {
        if (closed) return;
        closed = true;
        try {
          await client.execute(statement);
        } catch (error) {
          // A COMMIT that failed leaves the transaction open on the one connection every later
          // statement uses: roll it back (Prisma's own rollback would find this one closed).
          if (statement === "COMMIT") await client.execute("ROLLBACK").catch(() => undefined);
          throw error;
        }
      };
      return {
        execute: (stmt: InStatement) => client.execute(stmt),
        batch: async (stmts: InStatement[]) => {
          const results: ResultSet[] = [];
          for (const stmt of stmts) results.push(await client.execute(stmt));
          return results;
        },
        executeMultiple: () => Promise.reject(new Error("executeMultiple inside a transaction is not supported")),
        commit: () => end("COMMIT"),
        rollback: () => end("ROLLBACK"),
        close: () => void end("ROLLBACK").catch(() => undefined),
        get closed() {
          return closed;
        },
      };
    };
    return new Proxy(client, {
      get(target, prop) {
        if (prop === "transaction") return transaction;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

function createPostgresPrisma(databaseUrl: string, poolSize: number): PrismaClient {
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
  // A request that finds every pooled connection busy fails after 5 s (the callers answer 503 with
  // Retry-After) instead of waiting without bound, node-postgres's default.
  const adapter = new Adapter({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
  return new generated.PrismaClient({ adapter }) as PrismaClient;
}

declare global {
  // Reused across Vite dev-server reloads so connections are not leaked.
  var __momentsPrisma: PrismaClient | undefined;
}

export function db(): PrismaClient {
  globalThis.__momentsPrisma ??= createPrisma(env().DATABASE_URL, env().DATABASE_POOL_SIZE);
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
