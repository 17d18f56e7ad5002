/**
 * Measurement benchmark launcher. The figures come from ./measurement/run.ts (ingestion
 * throughput beside a bare insert loop; dashboard query at 1M events, budget 300 ms).
 * The harness bundles with every package external, but @moments/engine ships TypeScript
 * sources that Node cannot load: this bundles run.ts with the workspace packages inlined.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { bundleForNode } from "../scripts/lib/bundle.mjs";

const root = process.cwd();
const outfile = path.join(root, ".tmp/bench/measurement-run.mjs");
await bundleForNode({
  entryPoints: [path.join(root, "bench/measurement/run.ts")],
  outfile,
});
const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
