// Compiles src/ into the theme app extension's assets/: the Shopify CLI uploads a theme
// extension's assets as they are and never compiles its sources, so the build does.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.resolve(here, "../../extensions/moments-theme/assets");

await build({
  entryPoints: [path.join(here, "src/main.ts")],
  outfile: path.join(assets, "moments.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "none",
  logLevel: "error",
});
await build({
  entryPoints: [path.join(here, "src/moments.css")],
  outfile: path.join(assets, "moments.css"),
  bundle: true,
  minify: true,
  logLevel: "error",
});
for (const f of ["moments.js", "moments.css"]) {
  const buf = readFileSync(path.join(assets, f));
  console.log(`${f}: ${buf.length} B, ${gzipSync(buf, { level: 9 }).length} B gzip`);
}
