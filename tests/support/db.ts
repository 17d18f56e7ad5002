import { copyFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "~/db.server";
import { PG_ENV, testDialect } from "./database";
import { OUTPUT, TEMPLATE_DB } from "./paths";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
}

/**
 * A fresh, migrated database of its own, on the run's database (MOMENTS_TEST_DATABASE): a copy of
 * the run's SQLite template file, or a PostgreSQL database created from the run's migrated
 * template (`CREATE DATABASE ... TEMPLATE`, a file-level copy: no migrations per test).
 * Synchronous, so a test file can open one at module level.
 */
export function freshDatabase(label = "test"): TestDatabase {
  const suffix = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const url = testDialect() === "postgresql" ? createPostgresDatabase(`${label}_${suffix}`) : copySqliteTemplate(`${label}-${suffix}`);
  return { url, prisma: createPrisma(url) };
}

function copySqliteTemplate(name: string): string {
  const file = path.join(OUTPUT, "db", `${name}.db`);
  copyFileSync(TEMPLATE_DB, file);
  return `file:${file}`;
}

function createPostgresDatabase(label: string): string {
  const adminUrl = process.env[PG_ENV.adminUrl];
  const template = process.env[PG_ENV.template];
  const psql = process.env[PG_ENV.psql];
  if (!adminUrl || !template || !psql) {
    throw new Error("MOMENTS_TEST_DATABASE=postgresql but the run has no PostgreSQL: the global setup (tests/support/global-setup.ts) did not start one");
  }
  const name = label.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 63);
  // psql (not pg) because freshDatabase is synchronous; ON_ERROR_STOP makes a failure exit non-zero.
  execFileSync(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", adminUrl, "-c", `CREATE DATABASE "${name}" TEMPLATE "${template}"`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
