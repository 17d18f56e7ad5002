// Compiles src/ into the theme app extension's assets/: the Shopify CLI uploads a theme
// extension's assets as they are and never compiles its sources, so this build does.
// `npm run build -w @moments/storefront`; test/build.test.ts fails when the assets are stale.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ASSETS = path.resolve(here, "../../extensions/moments-theme/assets");

/** esbuild options per asset: minified, ES2019, one IIFE (no module loader on the storefront). */
export const ASSET_BUILDS = {
  "moments.js": { entryPoints: [path.join(here, "src/main.ts")], bundle: true, minify: true, format: "iife", target: "es2019", legalComments: "none" },
  "moments.css": { entryPoints: [path.join(here, "src/moments.css")], bundle: true, minify: true },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [file, options] of Object.entries(ASSET_BUILDS)) {
    await build({ ...options, outfile: path.join(ASSETS, file), logLevel: "error" });
    const buf = readFileSync(path.join(ASSETS, file));
    console.log(`${file}: ${buf.length} B, ${gzipSync(buf, { level: 9 }).length} B gzip`);
  }
}
