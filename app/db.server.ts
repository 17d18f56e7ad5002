import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { Client, Config, InStatement, ResultSet, Transaction } from "@libsql/client";
import { Sqlite3Client } from "@libsql/client/sqlite3";
import LibsqlDatabase from "libsql";
import type { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { env } from "./env.server";
import { startCheckpointer, WAL_AUTOCHECKPOINT_PAGES, type Checkpointer } from "./lib/sqlite-checkpointer.server";
import { ConnectionLock, postgresDriver, registerDriver, sqliteDriver, type Driver } from "./lib/driver.server";

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
export function createPrisma(
  databaseUrl: string,
  poolSize = 10,
  options: { backgroundCheckpoint?: boolean } = {},
): PrismaClient {
  if (dialectOf(databaseUrl) === "postgresql") return createPostgresPrisma(databaseUrl, poolSize);
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("DATABASE_URL must be file:... (SQLite) or postgresql://... (see docs/decisions/002-database.md)");
  }
  const adapter = new OneConnectionLibSQL({ url: databaseUrl }, options.backgroundCheckpoint ?? false);
  const prisma = new PrismaClient({ adapter });
  // Prisma connects when its first query runs; the driver needs the connection now.
  registerDriver(prisma, lazySqliteDriver(prisma, adapter));
  return prisma;
}

/** The driver on the adapter's current connection, connecting Prisma first when it has not yet. */
function lazySqliteDriver(prisma: PrismaClient, adapter: OneConnectionLibSQL): Driver {
  const byDatabase = new WeakMap<LibsqlDatabase.Database, Driver>();
  const current = async (): Promise<Driver> => {
    if (!adapter.database?.open) await prisma.$connect();
    const database = adapter.database!;
    let driver = byDatabase.get(database);
    if (!driver) byDatabase.set(database, (driver = sqliteDriver(database, adapter.lock)));
    return driver;
  };
  return {
    dialect: "sqlite",
    read: async (text, params) => (await current()).read(text, params),
    transaction: async (work) => (await current()).transaction(work),
  };
}

/**
 * Prisma's libsql adapter on a client whose interactive transactions run on its one long-lived,
 * tuned connection. @libsql/client (0.8) hands each transaction the current connection and opens a
 * new one for the client: every transaction paid a connection open and schema parse, and ran with
 * SQLite's per-connection defaults (synchronous=FULL: an fsync per commit, 4-5 ms on this disk;
 * busy_timeout 0). BEGIN IMMEDIATE takes the write lock up front, so a second process (the email
 * worker) waits busy_timeout for it instead of failing when a deferred transaction upgrades.
 * The connection is opened here, so the event hot path's driver (driver.server.ts) runs on it too;
 * `lock` keeps the two apart: a transaction of either holds it from BEGIN to COMMIT, and Prisma's
 * lone statements wait for it.
 */
class OneConnectionLibSQL extends PrismaLibSQL {
  readonly lock = new ConnectionLock();
  database: LibsqlDatabase.Database | undefined;
  checkpointer: Checkpointer | undefined;

  constructor(
    config: Config,
    private readonly backgroundCheckpoint: boolean,
  ) {
    super(config);
  }

  override createClient(config: Config): Client {
    const file = sqlitePath(config.url);
    const database = new LibsqlDatabase(file);
    this.database = database;
    // WAL lets readers (another process, a test) read while one writes; NORMAL sync in WAL mode still
    // survives a crashed process (only an OS crash can lose the last commits). A checkpoint every
    // 10,000 pages (40 MB of WAL) instead of 1,000 halves the hot path's writes: an event's random
    // index pages are copied to the database file once per checkpoint, not once per 1,000 pages
    // (docs/decisions/018-hot-path-driver.md); the WAL file is cut back to 64 MB after one.
    for (const pragma of [
      "PRAGMA journal_mode=WAL",
      "PRAGMA synchronous=NORMAL",
      "PRAGMA busy_timeout=5000",
      "PRAGMA cache_size=-65536",
      `PRAGMA wal_autocheckpoint=${WAL_AUTOCHECKPOINT_PAGES}`,
      "PRAGMA journal_size_limit=67108864",
    ]) {
      database.prepare(pragma).all();
    }
    // The server's own client: checkpoints leave the request thread (sqlite-checkpointer.server.ts).
    if (this.backgroundCheckpoint && file !== ":memory:") {
      void this.checkpointer?.stop();
      this.checkpointer = startCheckpointer(file);
    }
    const client = new Sqlite3Client(file, {}, database, "number");
    const lock = this.lock;
    const checkpointer = this.checkpointer;
    const transaction = async (): Promise<Transaction> => {
      const release = await lock.acquire();
      try {
        await client.execute("BEGIN IMMEDIATE");
      } catch (error) {
        release();
        throw error;
      }
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
        } finally {
          release();
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
        // Outside a transaction, a statement waits for the lock: it must not land inside the hot path's.
        if (prop === "execute") return (stmt: InStatement) => lock.run(() => target.execute(stmt));
        if (prop === "executeMultiple") return (text: string) => lock.run(() => target.executeMultiple(text));
        if (prop === "close")
          return () => {
            void checkpointer?.stop();
            target.close();
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

/**
 * `file:./dev.db`, `file:/abs/dev.db`, `file:///abs/dev.db` -> the path libsql opens, percent-escapes
 * decoded as libsql's own URL parsing does. Query parameters (libsql's remote options) are not used
 * for a local file.
 */
function sqlitePath(url: string): string {
  return decodeURIComponent(url.replace(/^file:(\/\/(localhost)?(?=\/))?/, "").replace(/\?.*$/, ""));
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
  // One pool for Prisma and the hot path's driver (driver.server.ts), and one pipelined connection
  // for the event commit queue's first attempts (one transaction in flight: one-trip.server.ts), so
  // DATABASE_POOL_SIZE bounds all (at 1, two connections).
  const { Pool, types } = require("pg") as typeof pg;
  const pool = new Pool({ connectionString: databaseUrl, max: Math.max(poolSize - 1, 1), connectionTimeoutMillis: 5_000 });
  const pipelined = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 5_000, pipeline: true, allowExitOnIdle: true });
  // An idle connection the server dropped (a restart, a killed backend) is an event, not a crash.
  for (const p of [pool, pipelined]) p.on("error", (error) => console.error(`PostgreSQL pool: idle connection lost: ${error.message}`));
  const prisma = new generated.PrismaClient({ adapter: new Adapter(pool, { disposeExternalPool: true }) }) as PrismaClient;
  registerDriver(prisma, postgresDriver(pool, types, pipelined));
  return prisma;
}

declare global {
  // Reused across Vite dev-server reloads so connections are not leaked.
  var __momentsPrisma: PrismaClient | undefined;
}

export function db(): PrismaClient {
  globalThis.__momentsPrisma ??= createPrisma(env().DATABASE_URL, env().DATABASE_POOL_SIZE, {
    backgroundCheckpoint: true,
  });
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
