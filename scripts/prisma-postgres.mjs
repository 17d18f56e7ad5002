// `node scripts/prisma-postgres.mjs`: generates the PostgreSQL Prisma client from the same schema
// folder as the SQLite one (docs/decisions/002-database.md). Prisma's datasource provider cannot
// come from the environment, so the schema files are copied to .tmp/prisma-postgres/schema with
// provider "postgresql" and the client goes to node_modules/.prisma-postgres/client (imported by
// app/db.server.ts for postgres:// URLs). Offline: engineType "client" needs no engine download.
//
// `node scripts/prisma-postgres.mjs migration <name>` also writes prisma/postgres/<NNNN>_<name>.sql:
// the SQL from the datamodel the existing PostgreSQL migrations produce (prisma/postgres/schema.prisma,
// a snapshot) to the current schema, then updates the snapshot. (`prisma migrate dev/deploy` do
// not work against PostgreSQL here, prisma/orm#27403; scripts/migrate-postgres.mjs applies these.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgresCluster } from "./lib/postgres-cluster.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma/schema");
const work = path.join(root, ".tmp/prisma-postgres");
const schemaDir = path.join(work, "schema");
const output = path.join(root, "node_modules/.prisma-postgres/client");
const migrationsDir = path.join(root, "prisma/postgres");
const snapshot = path.join(migrationsDir, "schema.prisma");

/** The schema files with the PostgreSQL datasource and the client output moved. */
export function postgresSchemaFiles() {
  const files = readdirSync(source).filter((f) => f.endsWith(".prisma")).sort();
  return files.map((file) => {
    let text = readFileSync(path.join(source, file), "utf8");
    text = text.replace(/(datasource\s+\w+\s*\{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
    text = text.replace(/(generator\s+client\s*\{)/, `$1\n  output = ${JSON.stringify(output)}`);
    return { file, text };
  });
}

rmSync(schemaDir, { recursive: true, force: true });
mkdirSync(schemaDir, { recursive: true });
const files = postgresSchemaFiles();
if (!files.some((f) => /provider\s*=\s*"postgresql"/.test(f.text))) throw new Error("no sqlite datasource found in prisma/schema");
for (const { file, text } of files) writeFileSync(path.join(schemaDir, file), text);

// prisma.postgres.config.ts points the CLI at the copied schema (the default prisma.config.ts
// would pick prisma/schema and the libsql adapter).
const prisma = (args, extraEnv = {}) =>
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), ...args, "--config", path.join(root, "prisma.postgres.config.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: process.env.POSTGRES_GENERATE_URL ?? "postgresql://localhost/moments", ...extraEnv },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });

prisma(["generate"]);
// A client generated to a custom output brings its own copy of Prisma's runtime. The app builds its
// raw SQL with `Prisma.sql` and recognises errors with `instanceof Prisma.PrismaClientKnownRequestError`
// from @prisma/client, so both clients must share one runtime: point the PostgreSQL client at
// @prisma/client's (the SQLite client's generated code does the same). Same package version.
const entry = path.join(output, "index.js");
const code = readFileSync(entry, "utf8");
const shared = code.replaceAll("require('./runtime/client.js')", "require('@prisma/client/runtime/client.js')");
if (shared === code && !code.includes("require('@prisma/client/runtime/client.js')")) {
  throw new Error(`${entry}: the runtime require to share was not found (did the Prisma version change?)`);
}
writeFileSync(entry, shared);
console.log(`Generated the PostgreSQL Prisma client into ${path.relative(root, output)}`);

if (process.argv[2] === "migration") {
  const name = process.argv[3];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: node scripts/prisma-postgres.mjs migration <snake_case_name>");
    process.exit(2);
  }
  mkdirSync(migrationsDir, { recursive: true });
  const datamodel = files.map((f) => `// ${f.file}\n${f.text.replace(/^\s*output = .*\n/m, "")}`).join("\n");
  const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
  // In JS engine mode the diff runs through the driver adapter, which needs a live server.
  const cluster = await startPostgresCluster();
  let sql;
  try {
    sql = prisma(["migrate", "diff", ...from, "--to-schema-datamodel", schemaDir, "--script"], { DATABASE_URL: await cluster.createDatabase("diff") });
  } finally {
    cluster.stop();
  }
  if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
    console.log("The PostgreSQL migrations already match the schema: nothing to write.");
    process.exit(0);
  }
  const next = readdirSync(migrationsDir).filter((f) => /^\d{4}_.*\.sql$/.test(f)).length + 1;
  const file = path.join(migrationsDir, `${String(next).padStart(4, "0")}_${name}.sql`);
  writeFileSync(file, sql);
  writeFileSync(snapshot, `// Generated by scripts/prisma-postgres.mjs: the datamodel prisma/postgres/*.sql produce. Do not edit.\n${datamodel}`);
  console.log(`Wrote ${path.relative(root, file)}:\n${sql}`);
}
