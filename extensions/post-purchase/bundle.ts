import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

export const EXTENSION_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles src/index.tsx the way Shopify CLI 4 bundles a post-purchase extension (esbuild, bundle,
 * jsx automatic, target es6, NODE_ENV production, no legal comments, and its React de-duplication:
 * every `react` import resolves to the extension's own React 17). Used by the render test and the
 * size benchmark, so both measure what would ship.
 */
export async function bundleExtension(opts: { minify: boolean; entry?: string; contents?: string; resolveDir?: string }): Promise<string> {
  const resolveDir = opts.resolveDir ?? EXTENSION_DIR;
  const react = createRequire(path.join(resolveDir, "package.json")).resolve("react");
  const dedupeReact: Plugin = {
    name: "deduplicate-react",
    setup(b) {
      b.onResolve({ filter: /^react$/ }, () => ({ path: react }));
    },
  };
  const result = await build({
    stdin: { contents: opts.contents ?? `import "${opts.entry ?? "./src/index.tsx"}";`, resolveDir, loader: "tsx" },
    bundle: true,
    write: false,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    jsx: "automatic",
    loader: { ".esnext": "ts", ".js": "jsx" },
    legalComments: "none",
    minify: opts.minify,
    plugins: [dedupeReact],
    target: "es6",
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs"],
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}
