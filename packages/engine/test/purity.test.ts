import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readdirSync, readFileSync } from "node:fs";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import purity from "../eslint.purity.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

// ESLint and its TypeScript parser are dev dependencies of the repo: the rules always run here.
async function lint(code: string) {
  const linter = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } }, ...purity],
  });
  const [res] = await linter.lintText(code, { filePath: `${root}/packages/engine/src/sample.ts` });
  return res!.messages.map((m) => m.ruleId);
}

describe("engine purity lint", () => {
  it("GIVEN an impure snippet WHEN linted THEN every impurity is flagged", async () => {
    const rules = await lint(`
      import { readFileSync } from "node:fs";
      import React from "react";
      export const a = Date.now();
      export const b = Math.random();
      export const c = new Date();
      export const d = process.env.X;
      export const e = fetch("https://x");
      export const f = globalThis;
      console.log(a);
    `);
    expect(rules.filter((r) => r === "no-restricted-imports")).toHaveLength(2);
    expect(rules.filter((r) => r === "no-restricted-properties")).toHaveLength(2);
    expect(rules.filter((r) => r === "no-restricted-syntax")).toHaveLength(1);
    expect(rules.filter((r) => r === "no-restricted-globals")).toHaveLength(4);
  });

  it("GIVEN pure code using zod and relative imports WHEN linted THEN nothing is flagged", async () => {
    expect(
      await lint(
        `import * as z from "zod/mini"; import { x } from "./x"; export const d = new Date(0); export const s = z.string(); export { x };`,
      ),
    ).toEqual([]);
  });

  it("GIVEN the engine's own sources WHEN linted THEN they are pure", async () => {
    const dir = `${root}/packages/engine/src`;
    for (const f of readdirSync(dir)) {
      expect([f, await lint(readFileSync(`${dir}/${f}`, "utf8"))]).toEqual([f, []]);
    }
  });
});
