// `node scripts/email-worker.mjs`: runs the follow-up email outbox worker as its own process
// (app/email/cli.ts, bundled here by esbuild so that TypeScript and the `~` alias work). The
// crash tests use it as the child they SIGKILL; configuration is by env, see app/email/cli.ts.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".tmp", `email-worker-${process.env.MOMENTS_TEST_SLOT ?? "main"}.mjs`);
mkdirSync(path.dirname(outfile), { recursive: true });
if (process.argv[2] !== "--no-build") {
  await build({
    entryPoints: [path.join(root, "app/email/cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    // The engine is a workspace package whose entry is TypeScript source: bundle it, not import it.
    alias: { "~": path.join(root, "app"), "@moments/engine": path.join(root, "packages/engine/src/index.ts") },
    outfile,
    logLevel: "error",
  });
}
if (process.argv[2] === "--build-only") process.exit(0);
await import(pathToFileURL(outfile).href);
