import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";
import { ROOT } from "./support/paths";

/** The repository's own ESLint configuration (eslint.config.js with eslint.boundaries.js), on a snippet placed at `file`. */
async function restrictedImports(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries (eslint.boundaries.js)", () => {
  it("GIVEN app code importing an extension's source WHEN linted THEN the import is refused", async () => {
    const messages = await restrictedImports(
      "app/demo/planted.ts",
      `import { APP_URL } from "../../extensions/checkout-upsell/src/core/config";\nexport const url = APP_URL;\n`,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("must not import from extensions/**");
  });

  it("GIVEN a package importing an extension's source WHEN linted THEN the import is refused", async () => {
    const messages = await restrictedImports(
      "packages/surfaces/src/checkout/planted.ts",
      `export { cartLinesDiscountsGenerateRun } from "../../../../extensions/discount-function/src/index";\nimport "../../../../extensions/post-purchase/src/flow";\n`,
    );
    expect(messages).toHaveLength(2);
  });

  it("GIVEN app code importing an extension's translations WHEN linted THEN it is allowed", async () => {
    const messages = await restrictedImports(
      "app/demo/planted.ts",
      `import en from "../../extensions/checkout-upsell/locales/en.default.json";\nexport const strings = en;\n`,
    );
    expect(messages).toEqual([]);
  });

  it("GIVEN the contracts package importing anything but the engine WHEN linted THEN the import is refused", async () => {
    const messages = await restrictedImports(
      "packages/contracts/src/planted.ts",
      `import { z } from "zod";\nimport type { Payload } from "@moments/engine";\nimport { MAX_BATCH } from "./events";\nexport const s = [z, MAX_BATCH] as const;\nexport type P = Payload;\n`,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("imports only @moments/engine");
  });
});
