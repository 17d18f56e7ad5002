// `DATABASE_URL=postgresql://... node scripts/migrate-postgres.mjs`: applies the PostgreSQL
// migrations (prisma/postgres/NNNN_*.sql, written by `node scripts/prisma-postgres.mjs migration
// <name>`) that the database has not seen yet, in name order, each in its own transaction, and
// records them in "_moments_migrations". Prisma's `migrate deploy` cannot do this against
// PostgreSQL here (prisma/orm#27403, docs/decisions/002-database.md). A session advisory lock
// keeps two app instances deploying at once from applying a file twice.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MIGRATIONS = path.join(root, "prisma/postgres");
const LOCK_KEY = 7_300_001; // arbitrary, constant: "moments migrations"

/** Applies pending migrations to `databaseUrl`; resolves the names applied now. */
export async function migratePostgres(databaseUrl, { log = console.log } = {}) {
  const files = readdirSync(MIGRATIONS).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_moments_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Set((await client.query(`SELECT "name" FROM "_moments_migrations"`)).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = readFileSync(path.join(MIGRATIONS, file), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_moments_migrations" ("name") VALUES ($1)`, [file]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`PostgreSQL migration ${file} failed (rolled back): ${error instanceof Error ? error.message : error}`);
      }
      applied.push(file);
      log(`applied ${file}`);
    }
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
  } finally {
    await client.end();
  }
  return applied;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const url = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(url)) {
    console.error("migrate-postgres: set DATABASE_URL to a postgresql:// URL");
    process.exit(2);
  }
  migratePostgres(url).then(
    (applied) => console.log(applied.length ? `Applied ${applied.length} PostgreSQL migration(s).` : "PostgreSQL database is up to date."),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
