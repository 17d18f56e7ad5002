// `npm run demo:traffic`: simulated buyers with a known truth against a running demo server
// (app/demo/traffic-cli.server.ts, bundled here by esbuild so TypeScript and the app's aliases work).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "./lib/bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".tmp/demo-traffic.mjs");
mkdirSync(path.dirname(outfile), { recursive: true });
await bundleForNode({ entryPoints: [path.join(root, "app/demo/traffic-cli.server.ts")], outfile });
const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: "inherit", env: process.env });
process.exit(r.status ?? 1);
