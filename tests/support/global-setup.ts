import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { BUILD_DIR, OUTPUT, ROOT, TEMPLATE_DB } from "./paths";

/**
 * Once per run: a migrated template database (each test copies it, so every test file gets a fresh
 * migrated SQLite) and a production build of the app (tests speak HTTP to the built server).
 * MOMENTS_TEST_REUSE_BUILD=1 skips the build when one exists (local iteration only).
 */
export default function setup() {
  mkdirSync(OUTPUT, { recursive: true });
  rmSync(path.join(OUTPUT, "db"), { recursive: true, force: true });
  mkdirSync(path.join(OUTPUT, "db"), { recursive: true });
  rmSync(TEMPLATE_DB, { force: true });
  // The build must not see vitest's own variables (vite.config.ts leaves Remix out under VITEST).
  const { VITEST: _v, VITEST_MODE: _m, VITEST_POOL_ID: _p, VITEST_WORKER_ID: _w, ...cleanEnv } = process.env;
  const run = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(process.execPath, args, { cwd: ROOT, env: { ...cleanEnv, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  const bin = (name: string) => path.join(ROOT, "node_modules", name);

  run([bin("prisma/build/index.js"), "migrate", "deploy"], { DATABASE_URL: `file:${TEMPLATE_DB}` });
  const built = existsSync(path.join(BUILD_DIR, "server/index.js"));
  if (!(built && process.env.MOMENTS_TEST_REUSE_BUILD === "1")) {
    run([bin("@remix-run/dev/dist/cli.js"), "vite:build"], { NODE_ENV: "production", MOMENTS_BUILD_DIR: BUILD_DIR });
  }
}
