// `node scripts/new-migration.mjs <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that takes the migrated database to prisma/schema. (Prisma's own `migrate dev`
// cannot build its shadow database through the libsql adapter, so: deploy the migrations into a
// temp file, introspect it, and diff that against the schema.)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/new-migration.mjs <snake_case_name>");
  process.exit(2);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "moments-migration-"));
const env = { ...process.env, DATABASE_URL: `file:${path.join(tmp, "migrated.db")}` };
const prisma = (args) =>
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

prisma(["migrate", "deploy"]);
const pulledDir = path.join(tmp, "pulled");
mkdirSync(pulledDir);
writeFileSync(path.join(pulledDir, "schema.prisma"), 'datasource db {\n  provider = "sqlite"\n  url = env("DATABASE_URL")\n}\n');
const pulled = prisma(["db", "pull", "--schema", path.join(pulledDir, "schema.prisma"), "--print"]);
writeFileSync(path.join(pulledDir, "schema.prisma"), pulled.slice(pulled.indexOf("datasource db")));
const sql = prisma(["migrate", "diff", "--from-schema-datamodel", pulledDir, "--to-schema-datamodel", "prisma/schema", "--script"]);
if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
  console.log("The schema matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${path.relative(root, dir)}/migration.sql:\n${sql}`);
