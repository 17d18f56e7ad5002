// `node scripts/sync-app-url.mjs` (run by `npm run deploy` before `shopify app deploy`): writes the
// app's public URL into the two extensions that call the app backend. Extensions are bundled by the
// Shopify CLI with no build-time environment, and the post-purchase extension has no settings, so
// the URL is a constant in their source; deploying it as "https://example.com" would send every
// checkout event and post-purchase request nowhere. The URL is SHOPIFY_APP_URL, the same variable
// the server requires in real mode. `--root <dir>` works on another checkout (tests).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const APP_URL_FILES = ["extensions/checkout-upsell/src/core/config.ts", "extensions/post-purchase/src/config.ts"];
const CONSTANT = /export const APP_URL = "([^"]*)";/;

/** Validates `url` and rewrites the APP_URL constants under `root`; returns the files changed. */
export function syncAppUrl(root, url) {
  let parsed;
  try {
    parsed = new URL(url ?? "");
  } catch {
    throw new Error("SHOPIFY_APP_URL is not set to a URL: set it to the app's public https URL (the one the server runs at) before deploying.");
  }
  if (parsed.protocol !== "https:") throw new Error(`SHOPIFY_APP_URL must be https (Shopify's checkout only calls https): got ${url}`);
  if (/(^|\.)example\.(com|org|net)$/.test(parsed.hostname)) throw new Error(`SHOPIFY_APP_URL is a placeholder (${url}): set it to the app's public URL.`);
  const base = parsed.origin + parsed.pathname.replace(/\/+$/, "");
  const changed = [];
  for (const file of APP_URL_FILES) {
    const full = path.join(root, file);
    const text = readFileSync(full, "utf8");
    const match = CONSTANT.exec(text);
    if (!match) throw new Error(`${file} has no \`export const APP_URL = "...";\` line to update`);
    if (match[1] === base) continue;
    writeFileSync(full, text.replace(CONSTANT, `export const APP_URL = ${JSON.stringify(base)};`));
    changed.push(file);
  }
  return { url: base, changed };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--root");
  const root = at > 0 ? path.resolve(process.argv[at + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  try {
    const { url, changed } = syncAppUrl(root, process.env.SHOPIFY_APP_URL);
    console.log(changed.length ? `Extensions now call ${url}: ${changed.join(", ")}` : `Extensions already call ${url}.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
