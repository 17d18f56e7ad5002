import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { cartLinesDiscountsGenerateRun } from "@moments/surfaces/discount";
import { runInput } from "./support/fixtures";
import { fixtureErrors, INPUT_QUERY, outputErrors, validateQuery } from "./support/schema";

describe("the function's GraphQL against the Discount API 2026-07 schema", () => {
  test("GIVEN the input query WHEN validated THEN it has no errors", () => {
    expect(validateQuery(INPUT_QUERY)).toEqual([]);
  });

  test("GIVEN a query selecting a field the API lacks WHEN validated THEN it is rejected (the check is real)", () => {
    expect(validateQuery("query { cart { lines { id tags } } }")).not.toEqual([]);
  });

  test("GIVEN the static fixture WHEN executed as the query's answer THEN it matches the schema", async () => {
    const fixture = JSON.parse(readFileSync(new URL("./fixtures/drill-with-case.json", import.meta.url), "utf8"));
    expect(await fixtureErrors(fixture)).toEqual([]);
  });

  test("GIVEN generated fixtures WHEN executed as the query's answer THEN they match the schema", async () => {
    const input = runInput([
      { product: "drill" },
      { product: "tool-case", offer: { id: "demo-drill-case", moment: "checkout" } },
      { product: "saas", variant: "saas-pro", sellingPlanId: "gid://shopify/SellingPlan/7700000010" },
    ]);
    expect(await fixtureErrors(input)).toEqual([]);
    expect(await fixtureErrors(runInput([], { payload: null }))).toEqual([]);
  });

  test("GIVEN a fixture with a wrong shape WHEN checked THEN the schema catches it", async () => {
    const input = runInput([{ product: "drill" }]) as unknown as { cart: { lines: Array<{ quantity: unknown }> } };
    input.cart.lines[0]!.quantity = "one";
    expect(await fixtureErrors(input)).not.toEqual([]);
  });

  test("GIVEN a discount result WHEN checked against the output type THEN it is valid", () => {
    const out = cartLinesDiscountsGenerateRun(
      runInput([{ product: "drill" }, { product: "tool-case", offer: { id: "demo-drill-case", moment: "checkout" } }]),
    );
    expect(out.operations).toHaveLength(1);
    expect(outputErrors(out)).toEqual([]);
  });
});
