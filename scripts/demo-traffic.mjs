// `npm run demo:traffic`: simulated buyers with a known truth against a running demo server
// (app/demo/traffic-cli.server.ts, bundled here by esbuild so TypeScript and the app's aliases work).
// The demo's address and database come from `npm run demo`'s record (lib/demo-server.mjs) unless
// DEMO_URL / PORT and DATABASE_URL say otherwise.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "./lib/bundle.mjs";
import { runningDemoServer } from "./lib/demo-server.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".tmp/demo-traffic.mjs");
mkdirSync(path.dirname(outfile), { recursive: true });
await bundleForNode({ entryPoints: [path.join(root, "app/demo/traffic-cli.server.ts")], outfile });
const env = { ...process.env };
const demo = runningDemoServer(root);
const url = env.DEMO_URL || (env.PORT ? `http://127.0.0.1:${env.PORT}` : demo?.url);
if (demo && url === demo.url) {
  env.DEMO_URL = demo.url;
  env.DATABASE_URL ||= demo.databaseUrl;
  console.log(`The demo started by \`npm run demo\` is at ${demo.url}.`);
}
const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: "inherit", env });
process.exit(r.status ?? 1);
