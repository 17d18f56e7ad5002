/**
 * Billing never touches the buyer (decision 033): no module on a buyer's path (the surfaces'
 * packages, the extensions, the publish path, the storefront proxy, post-purchase, thank-you,
 * email, measurement, and their routes) reads a plan. Behaviour with no, declined or cancelled
 * plans is walked in tests/browser/billing.test.ts; this keeps the separation from eroding.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/paths";

/** Where billing may be read: its own module, the admin's billing page, its webhook, the gateway that carries it, start-up. */
const ALLOWED = [
  /^app\/billing\//,
  /^app\/routes\/app\.billing/,
  /^app\/routes\/webhooks\.app_subscriptions\.update\.tsx$/,
  /^app\/gateway\/(types|shopify\.server|demo\.server)\.ts$/,
  /^app\/entry\.server\.tsx$/,
  /^app\/privacy\.server\.ts$/,
  /^app\/routes\/app\.tsx$/,
  /^app\/i18n\//,
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/\.(ts|tsx|mjs|js)$/.test(e.name) || e.name.endsWith(".d.ts")) continue;
    const file = path.relative(ROOT, path.join(e.parentPath, e.name));
    if (!file.includes("node_modules") && !file.includes("/dist/") && !file.includes("/build/")) out.push(file);
  }
  return out;
}

describe("billing stays off the buyer's path", () => {
  it("GIVEN every app, package and extension source WHEN scanned THEN only the admin's billing modules import billing or read a gateway's plan", () => {
    const readers = [...sources("app"), ...sources("packages"), ...sources("extensions")].filter((file) => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      return /from\s+["'](~\/billing|\.\.?\/.*billing)[^"']*["']|\bbilling(Subscription|Period)\b|\.billing\b/.test(
        text,
      );
    });
    expect(readers.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
    // And the ones that do are the admin's, never an API, proxy, extension or email route.
    expect(readers.some((f) => /routes\/(api|proxy|apps|email|demo)\./.test(f))).toBe(false);
  });
});
