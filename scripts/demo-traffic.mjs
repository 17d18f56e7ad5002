// `npm run demo:traffic`: simulated buyers with a known truth against a running demo server
// (app/demo/traffic-cli.server.ts, bundled here by esbuild so TypeScript and the app's aliases work).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".tmp/demo-traffic.mjs");
mkdirSync(path.dirname(outfile), { recursive: true });
await build({
  entryPoints: [path.join(root, "app/demo/traffic-cli.server.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  alias: {
    "~": path.join(root, "app"),
    "@moments/engine": path.join(root, "packages/engine/src/index.ts"),
  },
  loader: { ".json": "json" },
  outfile,
  logLevel: "error",
});
const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: "inherit", env: process.env });
process.exit(r.status ?? 1);
