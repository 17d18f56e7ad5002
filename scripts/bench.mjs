// `npm run bench`: runs every bench/*.bench.ts in its own Node process (bundled by esbuild so that
// TypeScript and the app's path aliases work), one figure a line beside its same-run baseline.
// `npm run bench -- engine` runs only the files whose name contains "engine".
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "./lib/bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const filter = process.argv[2] ?? "";
const files = readdirSync(path.join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts") && f.includes(filter))
  .sort();
const outDir = path.join(root, ".tmp/bench");
mkdirSync(outDir, { recursive: true });

let missed = 0;
let met = 0;
let failed = 0;
for (const file of files) {
  const outfile = path.join(outDir, file.replace(/\.ts$/, ".mjs"));
  await bundleForNode({ entryPoints: [path.join(root, "bench", file)], outfile });
  console.log(`# ${file}`);
  const r = spawnSync(process.execPath, [outfile], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(r.stdout);
  missed += (r.stdout.match(/ MISSED$/gm) ?? []).length;
  met += (r.stdout.match(/ met$/gm) ?? []).length;
  if (r.status !== 0) {
    failed++;
    console.log(`# ${file} exited with ${r.status}`);
  }
}
console.log(`# budgets: ${met} met, ${missed} missed${failed ? `, ${failed} bench file(s) failed` : ""}`);
process.exit(failed ? 1 : 0);
