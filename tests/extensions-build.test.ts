import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { BASELINE_HANDLE, buildExtensions, type ExtensionsBuild } from "./support/extensions-build";
import { ROOT } from "./support/paths";

/**
 * `CI=1 shopify app build` (CLI 4, the committed placeholder client_id, no login) builds every UI
 * and theme extension. Function extensions are not built here: their wasm step downloads javy and
 * function-runner from outside the npm registry (see tests/support/extensions-build.ts).
 */
const SLOT = process.env.MOMENTS_TEST_SLOT ?? "default";
const BUDGET_BYTES = 16 * 1024;
let build: ExtensionsBuild;

const extensionDirs = () =>
  readdirSync(path.join(ROOT, "extensions"))
    .map((dir) => ({ dir, file: path.join(ROOT, "extensions", dir, "shopify.extension.toml") }))
    .filter((x) => existsSync(x.file))
    .map((x) => ({ ...x, toml: readFileSync(x.file, "utf8") }));

beforeAll(() => {
  build = buildExtensions(`test-${SLOT}`);
}, 300_000);

describe("shopify app build (CI, offline)", () => {
  test("GIVEN the app's extensions WHEN the CLI builds them THEN it succeeds", () => {
    expect(build.output).toContain("built!");
    expect(build.status, build.output).toBe(0);
  });

  test("GIVEN every UI extension WHEN built THEN each has a bundle", () => {
    const ui = extensionDirs().filter((x) => /type\s*=\s*"ui_extension"/.test(x.toml));
    expect(ui.length).toBeGreaterThan(0);
    for (const x of ui) {
      const handle = /handle\s*=\s*"([^"]+)"/.exec(x.toml)![1]!;
      expect(
        build.bundles.map((b) => b.handle),
        `${handle} has no bundle`,
      ).toContain(handle);
    }
  });

  test("GIVEN the function extension WHEN building offline THEN it is the only kind left out", () => {
    const functions = extensionDirs().filter((x) => /type\s*=\s*"function"/.test(x.toml));
    expect(build.skipped).toHaveLength(functions.length);
    expect(build.skipped).toContain("discount-function");
  });

  test("GIVEN the checkout extension WHEN built THEN its manifest registers one module per moment target", () => {
    const manifest = JSON.parse(
      readFileSync(path.join(build.appDir, "extensions/checkout-upsell/manifest.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(Object.keys(manifest).sort()).toEqual(
      [
        "customer-account.order-status.block.render",
        "purchase.checkout.block.render",
        "purchase.checkout.cart-line-list.render-after",
        "purchase.checkout.contact.render-after",
        "purchase.checkout.payment-method-list.render-after",
        "purchase.checkout.shipping-option-list.render-after",
        "purchase.thank-you.block.render",
      ].sort(),
    );
  });

  test("GIVEN the checkout and function extension tomls WHEN read THEN they use the app's one API version", () => {
    for (const x of extensionDirs().filter((e) => ["checkout-upsell", "discount-function"].includes(e.dir))) {
      expect(x.toml, x.dir).toContain(`api_version = "${SHOPIFY_API_VERSION}"`);
    }
  });

  test("GIVEN the checkout extension's bundle WHEN compressed THEN it stays within its 16 KB budget (brotli and gzip)", () => {
    const b = build.bundles.find((x) => x.handle === "checkout-upsell")!;
    const baseline = build.bundles.find((x) => x.handle === BASELINE_HANDLE)!;
    expect(b.brotli).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(b.gzip).toBeLessThanOrEqual(BUDGET_BYTES);
    // Sanity: the offer engine and UI cost more than an empty Preact block, yet far below the cap.
    expect(b.brotli).toBeGreaterThan(baseline.brotli);
    expect(b.brotli).toBeLessThan(64 * 1024);
  });
});
