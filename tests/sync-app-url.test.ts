import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/paths";

/**
 * `npm run deploy` first runs scripts/sync-app-url.mjs: the extensions that call the app backend
 * get SHOPIFY_APP_URL as their APP_URL constant, or the deploy stops with the reason.
 */
const FILES = ["extensions/checkout-upsell/src/core/config.ts", "extensions/post-purchase/src/config.ts"];

function checkout() {
  const root = mkdtempSync(path.join(os.tmpdir(), "moments-app-url-"));
  for (const f of FILES) cpSync(path.join(ROOT, f), path.join(root, f));
  return root;
}
const run = (root: string, url: string | undefined) => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url === undefined) delete env.SHOPIFY_APP_URL;
  else env.SHOPIFY_APP_URL = url;
  return spawnSync(process.execPath, [path.join(ROOT, "scripts/sync-app-url.mjs"), "--root", root], { env, encoding: "utf8" });
};
const constantIn = (root: string, f: string) => /export const APP_URL = "([^"]*)";/.exec(readFileSync(path.join(root, f), "utf8"))?.[1];

describe("scripts/sync-app-url.mjs", () => {
  it("GIVEN the app's https URL WHEN run THEN both extensions call it (no trailing slash) and a second run changes nothing", () => {
    const root = checkout();
    const first = run(root, "https://moments.fly.dev/");
    expect(first.status, first.stderr).toBe(0);
    for (const f of FILES) expect(constantIn(root, f)).toBe("https://moments.fly.dev");
    const again = run(root, "https://moments.fly.dev");
    expect(again.stdout).toContain("already call https://moments.fly.dev");
  });

  it("GIVEN no SHOPIFY_APP_URL WHEN run THEN it exits 1 naming the variable and leaves the files alone", () => {
    const root = checkout();
    const before = FILES.map((f) => constantIn(root, f));
    const r = run(root, undefined);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SHOPIFY_APP_URL");
    expect(FILES.map((f) => constantIn(root, f))).toEqual(before);
  });

  it("GIVEN an http URL WHEN run THEN it exits 1: checkout only calls https", () => {
    const r = run(checkout(), "http://localhost:3000");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("must be https");
  });

  it("GIVEN the example.com placeholder WHEN run THEN it exits 1", () => {
    const r = run(checkout(), "https://example.com");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("placeholder");
  });
});
