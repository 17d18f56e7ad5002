import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * Builds the app's extensions the way CI can: `CI=1 shopify app build` (CLI 4, placeholder
 * client_id, no login) on a copy of the app in `.tmp/`, so parallel runs and the working tree's
 * own `dist/` folders are left alone. The copy sits inside the repo so the bundler resolves
 * packages (preact, @moments/engine) from the root node_modules, as in the real workspace.
 *
 * Function extensions are left out of the copy: their wasm build downloads javy and
 * function-runner from outside the npm registry, which CI cannot reach. Their logic is plain
 * TypeScript tested directly (extensions/discount-function/test).
 *
 * A baseline extension is added to the copy: the smallest Preact checkout block on the same
 * @shopify/ui-extensions, built in the same run, so a bundle's size can be read against it.
 */
export const BASELINE_HANDLE = "baseline-block";

export interface BuiltBundle {
  handle: string;
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}
export interface ExtensionsBuild {
  status: number | null;
  output: string;
  /** Extension folders copied (non-function), by handle. */
  built: string[];
  /** Function extensions left out (handles). */
  skipped: string[];
  bundles: BuiltBundle[];
  appDir: string;
}

/** The app root: the nearest folder up with shopify.app.toml (this file also runs bundled from .tmp/). */
function findRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "shopify.app.toml"))) return d;
    if (path.dirname(d) === d) throw new Error(`no shopify.app.toml above ${from}`);
  }
}
const ROOT = findRoot(import.meta.dirname);

const tomlType = (toml: string) => /^\s*type\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
const tomlHandle = (toml: string, dir: string) => /^\s*handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? dir;

const BASELINE_TOML = `api_version = "2026-07"

[[extensions]]
name = "Baseline block"
handle = "${BASELINE_HANDLE}"
type = "ui_extension"

[[extensions.targeting]]
target = "purchase.checkout.block.render"
module = "./src/index.tsx"
`;
const BASELINE_SRC = `/** @jsxImportSource preact */
import { render } from "preact";

export default async () => {
  render(<s-text>{(globalThis as any).shopify.i18n.translate("hello")}</s-text>, document.body);
};
`;

export function buildExtensions(label: string, options: { baseline?: boolean } = {}): ExtensionsBuild {
  const appDir = path.join(ROOT, ".tmp", `extensions-build-${label}`);
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(path.join(appDir, "extensions"), { recursive: true });
  cpSync(path.join(ROOT, "shopify.app.toml"), path.join(appDir, "shopify.app.toml"));
  writeFileSync(
    path.join(appDir, "package.json"),
    JSON.stringify({ name: "moments-extensions-build", private: true, type: "module" }),
  );
  const built: string[] = [];
  const skipped: string[] = [];
  for (const dir of readdirSync(path.join(ROOT, "extensions")).sort()) {
    const src = path.join(ROOT, "extensions", dir);
    const tomlFile = path.join(src, "shopify.extension.toml");
    if (!existsSync(tomlFile)) continue;
    const toml = readFileSync(tomlFile, "utf8");
    if (tomlType(toml) === "function") {
      skipped.push(tomlHandle(toml, dir));
      continue;
    }
    cpSync(src, path.join(appDir, "extensions", dir), {
      recursive: true,
      // An extension's own node_modules (post-purchase brings React 17) is kept: its bundle needs it.
      filter: (p) => !/(^|[\\/])(dist|test)([\\/]|$)/.test(path.relative(src, p)),
    });
    built.push(tomlHandle(toml, dir));
  }
  if (options.baseline !== false) {
    const dir = path.join(appDir, "extensions", BASELINE_HANDLE);
    mkdirSync(path.join(dir, "src"), { recursive: true });
    writeFileSync(path.join(dir, "shopify.extension.toml"), BASELINE_TOML);
    writeFileSync(path.join(dir, "src/index.tsx"), BASELINE_SRC);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: BASELINE_HANDLE, private: true }));
  }
  const cli = path.join(ROOT, "node_modules/@shopify/cli/bin/run.js");
  const r = spawnSync(process.execPath, [cli, "app", "build", "--skip-dependencies-installation", "--path", appDir], {
    cwd: appDir,
    encoding: "utf8",
    env: { ...process.env, CI: "1", SHOPIFY_CLI_NO_ANALYTICS: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 300_000,
  });
  const bundles: BuiltBundle[] = [];
  for (const dir of readdirSync(path.join(appDir, "extensions")).sort()) {
    const dist = path.join(appDir, "extensions", dir, "dist");
    if (!existsSync(dist)) continue;
    for (const f of readdirSync(dist).filter((x) => x.endsWith(".js"))) {
      const buf = readFileSync(path.join(dist, f));
      bundles.push({
        handle: f.replace(/\.js$/, ""),
        file: path.join(dist, f),
        raw: buf.length,
        gzip: gzipSync(buf, { level: 9 }).length,
        brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      });
    }
  }
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}`, built, skipped, bundles, appDir };
}
