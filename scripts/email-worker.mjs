// `node scripts/email-worker.mjs`: runs the follow-up email outbox worker as its own process
// (app/email/cli.ts, bundled here by esbuild so that TypeScript and the `~` alias work). The
// crash tests use it as the child they SIGKILL; configuration is by env, see app/email/cli.ts.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleForNode } from "./lib/bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".tmp", `email-worker-${process.env.MOMENTS_TEST_SLOT || "main"}.mjs`);
mkdirSync(path.dirname(outfile), { recursive: true });
if (process.argv[2] !== "--no-build") {
  await bundleForNode({ entryPoints: [path.join(root, "app/email/cli.ts")], outfile });
}
if (process.argv[2] === "--build-only") process.exit(0);
await import(pathToFileURL(outfile).href);
