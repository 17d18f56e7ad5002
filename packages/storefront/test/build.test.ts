import { readFileSync } from "node:fs";
import path from "node:path";
import { build, type BuildOptions } from "esbuild";
import { describe, expect, it } from "vitest";
import { ASSETS, ASSET_BUILDS } from "../build.mjs";

describe("the theme extension's built assets", () => {
  it.each(["moments.js", "moments.css"])("GIVEN src/ WHEN built again THEN assets/%s is byte for byte what the build makes (not stale)", async (file) => {
    const options = (ASSET_BUILDS as unknown as Record<string, BuildOptions>)[file]!;
    const out = await build({ ...options, outfile: path.join(ASSETS as string, file), write: false, logLevel: "error" });
    expect(readFileSync(path.join(ASSETS as string, file), "utf8")).toBe(out.outputFiles![0]!.text);
  });
});
