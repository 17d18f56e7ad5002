// `npm run demo`: the same app on a local SQLite file with a seeded demo shop, at 127.0.0.1.
import { spawnSync, spawn } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { forgetDemoServer, recordDemoServer } from "./lib/demo-server.mjs";
import { serverArgs } from "./lib/server-command.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = {
  ...process.env,
  MOMENTS_MODE: "demo",
  NODE_ENV: process.env.NODE_ENV ?? "development",
  DATABASE_URL: process.env.DATABASE_URL ?? `file:${path.join(root, "prisma/demo.db")}`,
  PORT: process.env.PORT ?? "3000",
};
if (env.NODE_ENV === "production") {
  console.error("Invalid environment: NODE_ENV is production: demo mode has no login and must never run in production");
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

run("npx", ["prisma", "generate"]);
run("npx", ["prisma", "migrate", "deploy"]);
const serverBuild = path.join(root, "build/server/index.js");
const stale =
  !existsSync(serverBuild) ||
  Math.max(newestMtime(path.join(root, "app")), newestMtime(path.join(root, "packages"))) >
    statSync(serverBuild).mtimeMs;
if (stale) run("npx", ["remix", "vite:build"]);

const server = spawn(process.execPath, serverArgs(root), { cwd: root, env, stdio: "inherit" });
// `npm run demo:traffic` finds this demo here (its address and database), whatever PORT it has.
if (env.PORT !== "0")
  recordDemoServer(root, { url: `http://127.0.0.1:${env.PORT}`, databaseUrl: env.DATABASE_URL, pid: process.pid });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => {
  forgetDemoServer(root, process.pid);
  process.exit(code ?? 0);
});
