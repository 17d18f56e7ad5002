import { readFileSync } from "node:fs";
import path from "node:path";

const EXT_DIR = path.resolve(import.meta.dirname, "../..");
const toml = readFileSync(path.join(EXT_DIR, "shopify.extension.toml"), "utf8");

/** The module the extension's toml declares for a target. */
export function moduleFor(target: string): string {
  const re = new RegExp(`target\\s*=\\s*"${target.replace(/\./g, "\\.")}"\\s*\\n\\s*module\\s*=\\s*"([^"]+)"`);
  const m = re.exec(toml);
  if (!m) throw new Error(`no module for ${target} in shopify.extension.toml`);
  return path.resolve(EXT_DIR, m[1]!);
}

/**
 * What the tester's `extension.render()` does (import the target's module from the toml and call
 * its default export), but through vitest's module loader: the tester's own native `import()`
 * cannot load TypeScript modules that import TSX and the workspace engine.
 */
export async function renderTarget(target: string): Promise<void> {
  const mod = (await import(/* @vite-ignore */ moduleFor(target))) as { default: () => Promise<void> | void };
  await mod.default();
}

/**
 * Unmounts what the target rendered. The tester's tearDown() only empties the DOM when it cannot
 * `require("preact")` (ESM), which leaves Preact's tree attached to document.body and the next
 * render would update the old component instead of mounting a fresh one.
 */
export async function unmountTarget(): Promise<void> {
  const { render } = await import("preact");
  render(null, document.body as unknown as Element);
}
