// One way to run the app's TypeScript outside Vite (bench files, the email worker, the traffic
// generator): esbuild bundles it for Node 22 with the `~` alias; npm packages stay external, the
// workspace packages (@moments/*, TypeScript source) are bundled like the app code.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const externals = {
  name: "npm-packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./~]/ }, (args) =>
      args.path.startsWith("@moments/") || args.path.startsWith("node:") ? undefined : { path: args.path, external: true },
    );
  },
};

/** `options` are esbuild's (entryPoints or stdin, outfile, ...); returns the outfile. */
export async function bundleForNode(options) {
  await build({
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    alias: { "~": path.join(ROOT, "app") },
    loader: { ".json": "json" },
    plugins: [externals],
    logLevel: "error",
    ...options,
  });
  return options.outfile;
}
