/**
 * Extension bundle sizes: every UI extension built by `CI=1 shopify app build` (as in CI), its
 * bundle compressed with brotli (q11) and gzip (-9), beside a minimal Preact checkout block on the
 * same @shopify/ui-extensions built in the same run. Budget: 16 KB each for the Preact web
 * component extensions (Shopify's cap is 64 KB; a React block of the same kind measured 32 KB).
 * The React 17 post-purchase extension is held to Shopify's 64 KB cap.
 */
import { BASELINE_HANDLE, buildExtensions } from "../tests/support/extensions-build";
import { report } from "./lib/report";

const KB = 1024;
const build = buildExtensions("bench");
if (build.status !== 0) {
  console.error(build.output);
  throw new Error("shopify app build failed");
}
const baseline = build.bundles.find((b) => b.handle === BASELINE_HANDLE);
if (!baseline) throw new Error("baseline block was not built");
const round = (n: number) => Math.round((n / KB) * 100) / 100;
for (const b of build.bundles) {
  if (b.handle === BASELINE_HANDLE) continue;
  const react = b.handle === "post-purchase";
  const limit = react ? 64 : 16;
  for (const kind of ["brotli", "gzip"] as const) {
    report({
      name: `${b.handle} bundle (${kind})`,
      value: round(b[kind]),
      unit: "KB",
      baseline: { value: round(baseline[kind]), label: "minimal Preact block" },
      budget: { limit, kind: "max" },
    });
  }
}
console.log(`(function extensions not built offline: ${build.skipped.join(", ") || "none"})`);
