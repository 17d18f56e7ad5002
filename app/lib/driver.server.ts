/**
 * The database driver under Prisma, used directly by the event hot path (docs/decisions/018-hot-path-driver.md).
 * Prisma's interactive transaction and its raw statements cost about half a millisecond of CPU
 * each, more than the database work of a whole batch; the hot path's statements are raw SQL
 * already (`sql.server.ts`), so they run here on the same connections Prisma uses (SQLite: its one
 * connection, behind a lock Prisma's statements take too; PostgreSQL: the same pool), with prepared
 * statements kept. A session looks like a Prisma client to `query`/`execute` (`$queryRawUnsafe`,
 * `$executeRawUnsafe`, `_activeProvider`); code that needs Prisma's model API inside it calls
 * `requirePrisma`, and the caller runs the transaction again through Prisma.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type Database from "libsql";
import type pg from "pg";
import { query, render, sqlTimestamp, type RawClient, type SqlDialect, type SqlFragment } from "./sql.server";

/** A transaction on the driver, usable wherever raw SQL takes a client. */
export interface SqlSession extends RawClient {
  readonly _activeProvider: SqlDialect;
  readonly driverSession: true;
  readonly bindsCheaply: true;
}

/** A transaction through Prisma or one on the driver: what the hot path's SQL runs in. */
export type SqlTx = Prisma.TransactionClient | SqlSession;

export interface Driver {
  readonly dialect: SqlDialect;
  /** Reads outside a transaction. */
  read<T>(text: string, params: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL: `statements` (a transaction from BEGIN to COMMIT) sent at once on a pipelined
   * connection, so the whole transaction costs one round trip of waiting; the rows of each, in
   * order. If one fails, the ones after it fail too and COMMIT rolls back: the first error is thrown.
   */
  pipeline?(statements: ReadonlyArray<{ text: string; params: unknown[] }>): Promise<unknown[][]>;
}

/** Thrown by `requirePrisma` inside a driver session: the caller runs the work in a Prisma transaction instead. */
export class NeedsPrismaTransaction extends Error {
  constructor(why: string) {
    super(`${why}: needs a Prisma transaction`);
  }
}

const isDriverSession = (tx: SqlTx): tx is SqlSession => (tx as Partial<SqlSession>).driverSession === true;

/** The Prisma transaction `tx` is, or a NeedsPrismaTransaction when it is a driver session (rare paths only). */
export function requirePrisma(tx: SqlTx, why: string): Prisma.TransactionClient {
  if (isDriverSession(tx)) throw new NeedsPrismaTransaction(why);
  return tx;
}

const drivers = new WeakMap<object, Driver>();

/** Called by createPrisma: the driver under that client. */
export function registerDriver(prisma: object, driver: Driver): void {
  drivers.set(prisma, driver);
}

/** The driver under a client made by createPrisma (undefined for any other client). */
export const driverOf = (prisma: object): Driver | undefined => drivers.get(prisma);

/** A read on the driver under `prisma` when it has one, through Prisma otherwise. */
export function readDirect<T>(prisma: RawClient, fragment: SqlFragment): Promise<T[]> {
  const driver = driverOf(prisma);
  if (!driver) return query<T>(prisma, fragment);
  const { text, params } = render(fragment, driver.dialect);
  return driver.read<T>(text, params);
}

/** A FIFO lock over one connection: a transaction holds it from BEGIN to COMMIT, a lone statement for its run. */
export class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }

  async run<T>(work: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

// --- SQLite -------------------------------------------------------------------------------------

const MAX_CACHED_STATEMENTS = 500;

/**
 * Statements on one libsql connection, prepared once per SQL text. Integers come back as numbers
 * when exact (as Prisma's raw queries give bigint for BIGINT columns, callers take either), as
 * bigint past 2^53.
 */
class SqliteStatements {
  private readonly cache = new Map<string, { statement: Database.Statement; reader: boolean; columns: string[] }>();

  constructor(private readonly db: Database.Database) {}

  private prepared(text: string) {
    let entry = this.cache.get(text);
    if (!entry) {
      if (this.cache.size >= MAX_CACHED_STATEMENTS) this.cache.clear();
      const statement = this.db.prepare(text);
      statement.safeIntegers(true);
      const reader = statement.reader;
      if (reader) statement.raw(true);
      const columns = reader ? statement.columns().map((c) => c.name) : [];
      entry = { statement, reader, columns };
      this.cache.set(text, entry);
    }
    return entry;
  }

  query<T>(text: string, params: unknown[]): T[] {
    const { statement, reader, columns } = this.prepared(text);
    const args = params.map(toSqlite);
    if (!reader) {
      statement.run(args);
      return [];
    }
    return (statement.all(args) as unknown[][]).map((row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) out[columns[i]!] = fromSqlite(row[i]);
      return out as T;
    });
  }

  execute(text: string, params: unknown[]): number {
    const { statement, reader } = this.prepared(text);
    const args = params.map(toSqlite);
    if (reader) return statement.all(args).length;
    return statement.run(args).changes;
  }
}

function toSqlite(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return sqlTimestamp(value);
  return value;
}

/** A 64-bit integer as a number when exact, as the bigint past 2^53 (both drivers' reads). */
const exactInteger = (value: bigint): number | bigint =>
  value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;

const fromSqlite = (value: unknown): unknown => (typeof value === "bigint" ? exactInteger(value) : value);

/**
 * The driver on the SQLite connection Prisma's client uses. `lock` is the one Prisma's statements
 * and transactions take on that connection (db.server.ts): a driver transaction holds it from BEGIN
 * IMMEDIATE to COMMIT, so nothing of Prisma's lands inside it. Statements run synchronously (the
 * native driver), so a transaction's work between awaits is never interleaved either way.
 */
export function sqliteDriver(db: Database.Database, lock: ConnectionLock): Driver {
  const statements = new SqliteStatements(db);
  const session: SqlSession = {
    _activeProvider: "sqlite",
    driverSession: true,
    bindsCheaply: true,
    $queryRawUnsafe: <T>(text: string, ...params: unknown[]) => Promise.resolve(statements.query(text, params) as T),
    $executeRawUnsafe: (text: string, ...params: unknown[]) => Promise.resolve(statements.execute(text, params)),
  };
  return {
    dialect: "sqlite",
    read: <T>(text: string, params: unknown[]) => lock.run(() => statements.query<T>(text, params)),
    transaction: (work) =>
      lock.run(async () => {
        statements.execute("BEGIN IMMEDIATE", []);
        try {
          const result = await work(session);
          statements.execute("COMMIT", []);
          return result;
        } catch (error) {
          if (db.inTransaction) statements.execute("ROLLBACK", []);
          throw error;
        }
      }),
  };
}

// --- PostgreSQL ---------------------------------------------------------------------------------

const INT8 = 20;
const TIMESTAMP = 1114;

/** int8 as a number when exact (bigint past 2^53), timestamp (without time zone, stored UTC by Prisma) as a UTC Date. */
function postgresTypes(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (oid === INT8) return (text: string) => exactInteger(BigInt(text));
      if (oid === TIMESTAMP) return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
      return types.getTypeParser(oid, format ?? "text");
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

/**
 * bigint as text (exact); a Date as UTC ISO text: node-postgres would send local time with an offset,
 * which a timestamp-without-time-zone column (Prisma's DateTime) drops.
 */
const toPostgres = (value: unknown): unknown =>
  typeof value === "bigint" ? value.toString() : value instanceof Date ? value.toISOString() : value === undefined ? null : value;

/**
 * The driver on the pool Prisma's PostgreSQL client uses (db.server.ts passes the same pool to
 * both); `pipelined`, a pool of clients made with `pipeline: true`, carries `pipeline`.
 */
export function postgresDriver(pool: pg.Pool, types: typeof pg.types, pipelined?: pg.Pool): Driver {
  const parsers = postgresTypes(types);
  // A statement with exactly one parameter has a fixed text (the row inserts and roll-up upserts of
  // every batch, whose rows travel as one JSON parameter; the journey locks, one bigint[]; the shop
  // lookup): it is prepared once per connection under a name derived from that text, so PostgreSQL
  // skips parsing and planning it on every batch. Texts with more vary with their number of values
  // (IN lists) and stay unnamed, so the server keeps a handful of prepared statements per
  // connection. (A transaction-mode pooler in front of PostgreSQL must support prepared
  // statements: PgBouncer 1.21+ with max_prepared_statements.)
  const names = new Map<string, string>();
  // A bound on the names, should a one-parameter text ever vary: past it, new texts run unnamed
  // (parsed each time) rather than fill every connection's prepared statements.
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_CACHED_STATEMENTS)
      names.set(text, (name = `m_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`));
    return name;
  };
  const run = async <T>(client: pg.Pool | pg.PoolClient, text: string, params: unknown[]) => {
    const name = params.length === 1 ? nameOf(text) : undefined;
    return (await client.query({
      text,
      values: params.map(toPostgres),
      types: parsers,
      ...(name ? { name } : {}),
    })) as pg.QueryResult & { rows: T[] };
  };
  return {
    dialect: "postgresql",
    read: async <T>(text: string, params: unknown[]) => (await run<T>(pool, text, params)).rows,
    ...(pipelined
      ? {
          async pipeline(statements: ReadonlyArray<{ text: string; params: unknown[] }>) {
            const client = await pipelined.connect();
            let broken: Error | undefined;
            const lost = (error: Error) => {
              broken = error;
            };
            client.on("error", lost);
            try {
              const settled = await Promise.allSettled(statements.map((s) => run(client, s.text, s.params)));
              const failed = settled.find((r) => r.status === "rejected");
              if (failed) {
                // The statements after the failed one were refused and COMMIT answered ROLLBACK; a
                // ROLLBACK more covers a connection that broke before COMMIT ran.
                await client.query("ROLLBACK").catch((e: unknown) => {
                  broken = e instanceof Error ? e : new Error(String(e));
                });
                throw failed.reason;
              }
              return settled.map((r) => (r as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows);
            } finally {
              client.removeListener("error", lost);
              client.release(broken);
            }
          },
        }
      : {}),
    async transaction(work) {
      const client = await pool.connect();
      // pg-pool drops its idle listener on checkout; a connection lost mid-transaction (a restart, a
      // killed backend) must fail this transaction, not crash the process with an unhandled 'error'.
      let broken: Error | undefined;
      const lost = (error: Error) => {
        broken = error;
      };
      client.on("error", lost);
      const session: SqlSession = {
        _activeProvider: "postgresql",
        driverSession: true,
        bindsCheaply: true,
        $queryRawUnsafe: async <T>(text: string, ...params: unknown[]) => (await run(client, text, params)).rows as T,
        $executeRawUnsafe: async (text: string, ...params: unknown[]) => (await run(client, text, params)).rowCount ?? 0,
      };
      try {
        await client.query("BEGIN");
        const result = await work(session);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e));
        });
        throw error;
      } finally {
        client.removeListener("error", lost);
        // A connection that was lost or could not roll back is not given to the next caller.
        client.release(broken);
      }
    },
  };
}
