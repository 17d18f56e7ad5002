import { describe, expect, test } from "vitest";
import { decodePayload, encodePayload, type Offer } from "@moments/engine";
import { cartLinesDiscountsGenerateRun, verifyLines } from "@moments/surfaces/discount";
import {
  inputVariables,
  type RunInput,
} from "@moments/contracts";
import { demoOffers, payloadOf, PUBLISHED_AT, runInput, settings, variablesFor } from "./support/fixtures";
import { discountSchema, fixtureErrors, INPUT_QUERY, outputErrors, validateQuery } from "./support/schema";
import { Kind, parse, print, validate } from "graphql";

const TOOLS = "gid://shopify/Collection/9100000007";
const drillCase = demoOffers.find((o) => o.id === "demo-drill-case")!;
/** The demo's drill + case offer, triggered by a tag or a collection instead of the drill itself. */
// The tool case without its price experiment: these offers are about triggers, not arms.
const { experiment: _experiment, ...caseWithoutExperiment } = drillCase;
const triggeredBy = (id: string, targeting: Offer["targeting"]): Offer => ({ ...caseWithoutExperiment, id, targeting });
const byTag = triggeredBy("case-by-tag", { tags: ["power-tools"] });
const byCollection = triggeredBy("case-by-collection", { collections: [TOOLS] });
const offers = [byTag, byCollection];
const caseLine = (offerId: string) => ({ product: "tool-case", offer: { id: offerId, moment: "checkout" } });

const discounts = (input: RunInput) => {
  const out = cartLinesDiscountsGenerateRun(input);
  expect(outputErrors(out)).toEqual([]);
  return out.operations.flatMap((op) => op.productDiscountsAdd.candidates.map((c) => c.value.fixedAmount.amount));
};
const reasons = (input: RunInput) => verifyLines(input).map((v) => (v.ok ? "ok" : v.reason));
/** Each fixture is what Shopify answers for the query with the variables the publisher wrote. */
async function expectShopifyShaped(input: RunInput) {
  const payload = payloadOf(input);
  expect(await fixtureErrors(input, variablesFor(payload))).toEqual([]);
}

describe("the input query asks each product about the published trigger tags and collections", () => {
  test("GIVEN the input query WHEN its variables are read THEN $tags is [String!] and $collections is [ID!], as hasTags and inCollections take", () => {
    expect(validateQuery(INPUT_QUERY)).toEqual([]);
    const op = parse(INPUT_QUERY).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    const vars = Object.fromEntries((op.variableDefinitions ?? []).map((d) => [d.variable.name.value, print(d.type)]));
    expect(vars).toEqual({ tags: "[String!]", collections: "[ID!]" });
  });

  test("GIVEN a query passing a [Int!] variable to hasTags WHEN validated THEN it is rejected (variable types are checked)", () => {
    const bad =
      "query Q($tags: [Int!]) { cart { lines { merchandise { ... on ProductVariant { product { hasTags(tags: $tags) { tag } } } } } } }";
    expect(validate(discountSchema(), parse(bad)).length).toBeGreaterThan(0);
  });

  test("GIVEN offers with overlapping trigger tags and collections WHEN the variables are built THEN they are the sorted, deduplicated union", () => {
    const payload = decodePayload(
      encodePayload(
        [
          triggeredBy("a", { tags: ["winter", "power-tools"], collections: [TOOLS] }),
          triggeredBy("b", {
            tags: ["power-tools", "audio"],
            collections: ["gid://shopify/Collection/9100000001", TOOLS],
          }),
          drillCase,
        ],
        settings,
        PUBLISHED_AT,
      ),
    );
    if (!payload.ok) throw new Error("payload did not decode");
    expect(inputVariables(payload.payload)).toEqual({
      tags: ["audio", "power-tools", "winter"],
      collections: ["gid://shopify/Collection/9100000001", TOOLS],
    });
  });
});

describe("cart.lines.discounts.generate.run: tag- and collection-triggered offers", () => {
  test("GIVEN a drill tagged power-tools and the case from the tag-triggered offer WHEN run THEN the case gets its published 20% off", async () => {
    const input = runInput([{ product: "drill", tags: ["tools", "power-tools"] }, caseLine(byTag.id)], { offers });
    await expectShopifyShaped(input);
    expect(input.cart.lines[0]!.merchandise).toMatchObject({
      product: {
        hasTags: [{ tag: "power-tools", hasTag: true }],
        inCollections: [{ collectionId: TOOLS, isMember: false }],
      },
    });
    expect(discounts(input)).toEqual(["7.80"]);
  });

  test("GIVEN the cart's drill no longer has the tag WHEN run THEN the case is refused (trigger removed)", async () => {
    const input = runInput([{ product: "drill", tags: ["tools"] }, caseLine(byTag.id)], { offers });
    await expectShopifyShaped(input);
    expect(reasons(input)).toEqual(["trigger_removed"]);
    expect(discounts(input)).toEqual([]);
  });

  test("GIVEN a drill in the tools collection and the case from the collection-triggered offer WHEN run THEN the case gets its published 20% off", async () => {
    const input = runInput([{ product: "drill", tags: [], collections: [TOOLS] }, caseLine(byCollection.id)], {
      offers,
    });
    await expectShopifyShaped(input);
    expect(discounts(input)).toEqual(["7.80"]);
  });

  test("GIVEN the cart's drill is not in the collection WHEN run THEN the case is refused (trigger removed)", async () => {
    const input = runInput([{ product: "drill", tags: [], collections: [] }, caseLine(byCollection.id)], { offers });
    await expectShopifyShaped(input);
    expect(reasons(input)).toEqual(["trigger_removed"]);
  });

  test("GIVEN the case's own tags and collections WHEN it is the only line THEN it does not trigger itself", () => {
    const input = runInput(
      [{ product: "tool-case", tags: ["power-tools"], collections: [TOOLS], offer: caseLine(byTag.id).offer }],
      {
        offers,
      },
    );
    expect(reasons(input)).toEqual(["trigger_removed"]);
  });

  test("GIVEN the discount has no variables metafield (Shopify asks about nothing) WHEN run THEN a tag-triggered line is refused, never priced on a guess", async () => {
    const input = runInput([{ product: "drill", tags: ["power-tools"] }, caseLine(byTag.id)], {
      offers,
      variables: { tags: [], collections: [] },
    });
    expect(await fixtureErrors(input)).toEqual([]);
    expect(reasons(input)).toEqual(["trigger_removed"]);
  });

  test("GIVEN the demo's product-triggered offer WHEN run with the new query THEN it is priced as before", () => {
    const input = runInput([{ product: "drill" }, caseLine("demo-drill-case")]);
    expect(discounts(input)).toEqual(["7.80"]);
  });
});
