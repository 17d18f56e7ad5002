import { readFileSync } from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, test } from "vitest";
import graphqlConfig from "../../../.graphqlrc";
import { INPUT_QUERY } from "./support/schema";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const project = graphqlConfig.projects.discountFunction;
const generates = project.extensions.codegen.generates;

/** Runs the discountFunction codegen project in memory (nothing written), as `npm run graphql-codegen` would. */
async function regenerate(documents: string[] = project.documents): Promise<Map<string, string>> {
  const outputs: Array<{ filename: string; content: string }> = await generate(
    { cwd: ROOT, schema: project.schema, documents, generates, silent: true },
    false,
  );
  return new Map(outputs.map((o) => [o.filename, o.content]));
}

const committed = (filename: string) => readFileSync(path.resolve(ROOT, filename), "utf8");

describe("the Discount Function's generated types (packages/contracts/src/generated)", () => {
  test("GIVEN the committed generated files WHEN the codegen project is run again in memory THEN each is exactly what it generates", async () => {
    const fresh = await regenerate();
    expect([...fresh.keys()].sort()).toEqual(Object.keys(generates).sort());
    for (const [filename, content] of fresh) {
      // Stale: run `npm run graphql-codegen` and commit packages/contracts/src/generated/.
      expect(committed(filename), filename).toBe(content);
    }
  });

  test("GIVEN an input query selecting one more field WHEN generated THEN the input types differ from the committed ones (the check is real)", async () => {
    const query = INPUT_QUERY.replace(/^(\s*)productType$/m, "$1productType\n$1handle");
    expect(query).not.toBe(INPUT_QUERY);
    const fresh = await regenerate([query]);
    const [inputFile] = Object.keys(generates).filter((f) => f.endsWith(".input.d.ts"));
    expect(fresh.get(inputFile!)).toContain("handle: string");
    expect(fresh.get(inputFile!)).not.toBe(committed(inputFile!));
  });
});
