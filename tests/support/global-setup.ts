import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { postgresBin, startPostgresCluster } from "../../scripts/lib/postgres-cluster.mjs";
import { migratePostgres } from "../../scripts/migrate-postgres.mjs";
import { PG_ENV, PG_TEMPLATE, psqlPath, testDialect } from "./database";
import { BUILD_DIR, OUTPUT, ROOT, TEMPLATE_DB } from "./paths";

/**
 * Once per run: a migrated template database and a production build of the app (tests speak HTTP
 * to the built server). Each test copies the template, so every test file gets a fresh migrated
 * database: a SQLite file, or with MOMENTS_TEST_DATABASE=postgresql a database in the one
 * PostgreSQL cluster this run starts (and stops at teardown).
 * MOMENTS_TEST_REUSE_BUILD=1 skips the build when one exists (local iteration only).
 */
export default async function setup() {
  const dialect = testDialect();
  mkdirSync(OUTPUT, { recursive: true });
  rmSync(path.join(OUTPUT, "db"), { recursive: true, force: true });
  mkdirSync(path.join(OUTPUT, "db"), { recursive: true });
  rmSync(TEMPLATE_DB, { force: true });
  // The build must not see vitest's own variables (vite.config.ts leaves Remix out under VITEST).
  const { VITEST: _v, VITEST_MODE: _m, VITEST_POOL_ID: _p, VITEST_WORKER_ID: _w, ...cleanEnv } = process.env;
  const run = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(process.execPath, args, { cwd: ROOT, env: { ...cleanEnv, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  const bin = (name: string) => path.join(ROOT, "node_modules", name);

  let teardown = () => {};
  if (dialect === "sqlite") {
    run([bin("prisma/build/index.js"), "migrate", "deploy"], { DATABASE_URL: `file:${TEMPLATE_DB}` });
  } else {
    teardown = await startRunPostgres();
  }
  const built = existsSync(path.join(BUILD_DIR, "server/index.js"));
  if (!(built && process.env.MOMENTS_TEST_REUSE_BUILD === "1")) {
    try {
      run([bin("@remix-run/dev/dist/cli.js"), "vite:build"], { NODE_ENV: "production", MOMENTS_BUILD_DIR: BUILD_DIR });
    } catch (error) {
      teardown();
      throw error;
    }
  }
  return teardown;
}

/**
 * The run's PostgreSQL: one cluster, one template database migrated by scripts/migrate-postgres.mjs
 * (the production path). Workers find it through PG_ENV: vitest forks them after this ran, with
 * this process's environment.
 */
async function startRunPostgres(): Promise<() => void> {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>>;
  try {
    cluster = await startPostgresCluster();
  } catch (error) {
    throw new Error(`MOMENTS_TEST_DATABASE=postgresql needs PostgreSQL installed: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const templateUrl = await cluster.createDatabase(PG_TEMPLATE);
    await migratePostgres(templateUrl, { log: () => undefined });
  } catch (error) {
    cluster.stop();
    throw error;
  }
  process.env[PG_ENV.adminUrl] = cluster.urlFor("postgres");
  process.env[PG_ENV.template] = PG_TEMPLATE;
  process.env[PG_ENV.psql] = psqlPath(postgresBin());
  return () => cluster.stop();
}
