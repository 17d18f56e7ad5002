/**
 * Raw SQL for both databases without Prisma's `Prisma.sql` namespace: the PostgreSQL client is a
 * second generated client with its own copy of Prisma's runtime, whose `Sql` and error classes are
 * not @prisma/client's (docs/decisions/002-database.md). A fragment here is plain data, rendered
 * per dialect (`?` placeholders for SQLite, `$n` for PostgreSQL) and run through the client's
 * `$queryRawUnsafe` / `$executeRawUnsafe`, whose parameters Prisma still binds: nothing is spliced
 * into the text but identifiers and SQL written in this codebase (`raw`).
 */
export interface SqlFragment {
  readonly parts: ReadonlyArray<string | SqlParam>;
}
interface SqlParam {
  readonly value: unknown;
}

const isFragment = (v: unknown): v is SqlFragment => typeof v === "object" && v !== null && Array.isArray((v as SqlFragment).parts);

export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const parts: Array<string | SqlParam> = [];
  strings.forEach((s, i) => {
    parts.push(s);
    if (i >= values.length) return;
    const v = values[i];
    if (isFragment(v)) parts.push(...v.parts);
    else parts.push({ value: v });
  });
  return { parts };
}

/** SQL text written in this codebase (identifiers, keywords): never input. */
export const raw = (text: string): SqlFragment => ({ parts: [text] });
export const empty: SqlFragment = { parts: [] };

export function join(fragments: SqlFragment[], separator = ", "): SqlFragment {
  const parts: Array<string | SqlParam> = [];
  fragments.forEach((f, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...f.parts);
  });
  return { parts };
}

/** A parenthesised list of bound values: `(?, ?, ?)`. */
export const tuple = (values: unknown[]): SqlFragment => ({
  parts: ["(", ...values.flatMap((value, i) => (i === 0 ? [{ value }] : [", ", { value }])), ")"],
});

export type SqlDialect = "sqlite" | "postgresql";

export function render(fragment: SqlFragment, dialect: SqlDialect): { text: string; params: unknown[] } {
  let text = "";
  const params: unknown[] = [];
  for (const part of fragment.parts) {
    if (typeof part === "string") text += part;
    else {
      params.push(part.value);
      text += dialect === "postgresql" ? `$${params.length}` : "?";
    }
  }
  return { text, params };
}

/** What raw SQL runs on: a Prisma client or transaction, or a driver session (driver.server.ts). */
export interface RawClient {
  /** True on a driver session (driver.server.ts): bound values cost the native driver nothing each, unlike Prisma. */
  readonly bindsCheaply?: boolean;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** The client's own provider: a test or a worker may hold a client on another database than DATABASE_URL. */
export const dialectOfClient = (client: unknown): SqlDialect =>
  (client as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";

export function execute(client: RawClient, fragment: SqlFragment): Promise<number> {
  const { text, params } = render(fragment, dialectOfClient(client));
  return client.$executeRawUnsafe(text, ...params);
}

export function query<T>(client: RawClient, fragment: SqlFragment): Promise<T[]> {
  const { text, params } = render(fragment, dialectOfClient(client));
  return client.$queryRawUnsafe<T[]>(text, ...params);
}

/**
 * Prisma's error codes, read without `instanceof` (each generated client has its own error
 * classes): P2002 unique constraint; P2034 write conflict or deadlock (retry the transaction);
 * P2024 no pooled connection in time and P2028 a transaction that could not start in time.
 */
export const prismaCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : undefined;

/** Also the drivers' own codes, for statements run on the driver (driver.server.ts): PostgreSQL's SQLSTATE, libsql's names. */
export const isUniqueViolation = (error: unknown): boolean =>
  ["P2002", "23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"].includes(prismaCode(error) ?? "");
export const isRetryableConflict = (error: unknown): boolean =>
  ["P2034", "40P01", "40001"].includes(prismaCode(error) ?? "") || /deadlock detected|could not serialize/i.test(messageOf(error));

/**
 * The database is saturated rather than broken: the pool had no connection in time, a transaction
 * could not start in time, or SQLite's write lock stayed busy past busy_timeout. Callers answer 503
 * with Retry-After (the client tries again later), never 500.
 */
export const isDatabaseBusy = (error: unknown): boolean => {
  const code = prismaCode(error);
  if (code === "P2024" || code === "P2028") return true;
  return /SQLITE_BUSY|database is locked|Unable to start a transaction in the given time|Timed out fetching a new connection|too many clients already|remaining connection slots are reserved|timeout exceeded when trying to connect/i.test(messageOf(error));
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A column filled from a JSON document: its name and its PostgreSQL type (SQLite takes JSON's own). */
export interface JsonColumn {
  name: string;
  pg: "text" | "integer" | "bigint" | "boolean" | "timestamp(3)" | "double precision";
}

/**
 * INSERT ... ON CONFLICT (...) DO NOTHING RETURNING ... of many rows bound as ONE parameter, a JSON
 * array the database unpacks (SQLite `json_each`, PostgreSQL `jsonb_array_elements`): Prisma's cost
 * per bound parameter dominated a 50-event batch's 1,050 parameters; one JSON string costs one.
 * On SQLite's driver, where a bound value costs nothing, rows go as VALUES instead (a third less
 * work per row than unpacking JSON; sqliteValueRows). Values must be JSON-able as the column wants
 * them: DateTime as `sqliteTimestamp` / ISO text, booleans as booleans, integers as numbers. Rows
 * go in the order given.
 */
export async function insertJsonRows<R>(
  client: RawClient,
  table: string,
  columns: readonly JsonColumn[],
  rows: ReadonlyArray<Record<string, unknown>>,
  conflict: readonly string[],
  returning: readonly string[],
): Promise<R[]> {
  if (rows.length === 0) return [];
  const q = (c: string) => `"${c}"`;
  const into = `INSERT INTO ${q(table)} (${columns.map((c) => q(c.name)).join(", ")})`;
  const onConflict = `ON CONFLICT (${conflict.map(q).join(", ")}) DO NOTHING RETURNING ${returning.map(q).join(", ")}`;
  const dialect = dialectOfClient(client);
  if (dialect === "sqlite" && client.bindsCheaply) return sqliteValueRows(client, into, onConflict, columns, rows);
  const from =
    dialect === "postgresql"
      ? postgresJsonRows(columns, rows)
      : // WHERE true: SQLite needs it to tell an upsert's ON from a join's after INSERT ... SELECT.
        sql`SELECT ${raw(columns.map((c) => `j.value ->> '${c.name}'`).join(", "))} FROM json_each(${jsonOf(columns, rows)}) AS j WHERE true`;
  return query<R>(client, sql`${raw(into)} ${from} ${raw(onConflict)}`);
}

const jsonOf = (columns: readonly JsonColumn[], rows: ReadonlyArray<Record<string, unknown>>): string =>
  JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null]))));

/**
 * PostgreSQL: `SELECT <columns> FROM jsonb_array_elements($1)`, the rows as one JSON parameter (an
 * array of arrays in column order, half the bytes of objects), in the order given. Its text depends
 * on the columns only, so the driver prepares it once per connection (driver.server.ts names
 * statements with one parameter).
 */
export function postgresJsonRows(columns: readonly JsonColumn[], rows: ReadonlyArray<Record<string, unknown>>): SqlFragment {
  return sql`${raw(postgresJsonSelect(columns, "jsonb_array_elements("))}${JSON.stringify(postgresJsonValues(columns, rows))}::jsonb) AS j`;
}

/** Rows as PostgreSQL's JSON rows take them: arrays in column order (missing values null). */
export const postgresJsonValues = (columns: readonly JsonColumn[], rows: ReadonlyArray<Record<string, unknown>>): unknown[][] =>
  rows.map((r) => columns.map((c) => r[c.name] ?? null));

/**
 * `SELECT <columns> FROM <source>`, each column read from the JSON array `j` by its position; the
 * caller closes `source` (a set-returning function of the JSON) and names it `j`.
 */
export const postgresJsonSelect = (columns: readonly JsonColumn[], source: string): string =>
  `SELECT ${columns.map((c, i) => `(j ->> ${i})::${c.pg} AS "${c.name}"`).join(", ")} FROM ${source}`;

/**
 * insertJsonRows as VALUES statements, in chunks of 128, 64, ... 1 rows, so that each table needs
 * at most eight statement texts (each prepared once by the driver) and any chunk stays far below
 * SQLite's 32,766 bound values.
 */
async function sqliteValueRows<R>(
  client: RawClient,
  into: string,
  onConflict: string,
  columns: readonly JsonColumn[],
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<R[]> {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const out: R[] = [];
  let at = 0;
  for (let size = 128; size >= 1; size >>= 1) {
    while (rows.length - at >= size) {
      const chunk = rows.slice(at, at + size);
      at += size;
      const params = chunk.flatMap((r) => columns.map((c) => r[c.name] ?? null));
      out.push(...(await client.$queryRawUnsafe<R[]>(`${into} VALUES ${Array(size).fill(tuple).join(", ")} ${onConflict}`, ...params)));
    }
  }
  return out;
}

/** A DateTime as Prisma stores it on SQLite (ISO 8601 with an explicit +00:00), and PostgreSQL parses. */
export const sqlTimestamp = (at: Date): string => at.toISOString().replace("Z", "+00:00");
