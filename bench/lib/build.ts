import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

/**
 * A production build of the app in `buildDir` (its own folder per bench, so a shared build/ is
 * never overwritten mid-run), rebuilt when app/ or packages/ changed since: the figures are of the
 * current code. Returns `buildDir` for MOMENTS_BUILD_DIR.
 */
export function ensureAppBuild(buildDir: string, root = process.cwd()): string {
  const serverBuild = path.join(buildDir, "server/index.js");
  const stale =
    !existsSync(serverBuild) ||
    Math.max(newestMtime(path.join(root, "app")), newestMtime(path.join(root, "packages"))) >
      statSync(serverBuild).mtimeMs;
  if (stale) {
    try {
      execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
        cwd: root,
        env: { ...process.env, NODE_ENV: "production", MOMENTS_BUILD_DIR: buildDir },
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (error) {
      // Vite's warnings would bury the figures; its output matters only when the build fails.
      process.stderr.write(String((error as { stderr?: Buffer }).stderr ?? ""));
      throw error;
    }
  }
  return buildDir;
}
