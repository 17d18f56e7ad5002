import { ATTR, decodePayload, formatMinor } from "@moments/engine";
import type { Snapshot } from "@moments/surfaces/checkout";
import { verifyLines } from "@moments/surfaces/discount";
import {
  functionShards,
  type InputLine,
  inputVariables,
  NO_SHARD,
  type RunInput,
  SHARD_ALIASES,
  type ShardAlias,
} from "@moments/contracts";

/**
 * What the Discount Function does with a cart: the function's own code on the input it would get
 * (lines in the cart's currency, the payload as the `$app` shard metafields hold it, the shop's date).
 */
export function discountFunctionSays(
  payloadJson: string,
  snapshot: Snapshot,
  now: number,
  money: (minor: number) => string,
): string[] {
  const cur = snapshot.currency;
  const m = (minor: number) => ({ amount: formatMinor(minor, cur), currencyCode: cur });
  const attr = (l: Snapshot["lines"][number], key: string) =>
    l.attributes?.[key] ? { value: l.attributes[key]! } : null;
  // The input query's variables, as the publisher writes them on the discount.
  const decoded = decodePayload(payloadJson);
  const asked = decoded.ok ? inputVariables(decoded.payload) : { tags: [], collections: [] };
  // The function's own payload, in the shard metafields the publisher writes next to the payload.
  const values = decoded.ok ? functionShards(decoded.payload).values : SHARD_ALIASES.map(() => NO_SHARD);
  const shards = {} as Pick<RunInput["shop"], ShardAlias>;
  SHARD_ALIASES.forEach((alias, i) => (shards[alias] = { value: values[i] ?? NO_SHARD }));
  const lines: InputLine[] = snapshot.lines.map((l, i) => ({
    id: `gid://shopify/CartLine/${i + 1}`,
    quantity: l.quantity,
    cost: { amountPerQuantity: m(l.unitPrice), subtotalAmount: m(l.unitPrice * l.quantity) },
    offer: attr(l, ATTR.offer),
    arm: attr(l, ATTR.arm),
    moment: attr(l, ATTR.moment),
    token: attr(l, ATTR.token),
    sellingPlanAllocation: l.sellingPlanId ? { sellingPlan: { id: l.sellingPlanId } } : null,
    merchandise: {
      __typename: "ProductVariant",
      id: l.variantId,
      product: {
        id: l.productId,
        vendor: l.vendor ?? null,
        productType: l.productType ?? null,
        hasTags: asked.tags.map((tag) => ({ tag, hasTag: !!l.tags?.includes(tag) })),
        inCollections: asked.collections.map((c) => ({ collectionId: c, isMember: !!l.collectionIds?.includes(c) })),
      },
    },
  }));
  const input: RunInput = {
    cart: { cost: { subtotalAmount: m(snapshot.subtotal) }, lines },
    discount: { discountClasses: ["PRODUCT"] },
    shop: { localTime: { date: new Date(now).toISOString().slice(0, 10) }, ...shards },
  };
  const byId = new Map(lines.map((l, i) => [l.id, snapshot.lines[i]!]));
  return verifyLines(input).map((v) => {
    const l = byId.get(v.lineId)!;
    const list = l.unitPrice * l.quantity;
    if (!v.ok) return `${l.variantId}: no discount (${v.reason.replace(/_/g, " ")})`;
    return v.discount > 0
      ? `${l.variantId}: ${money(list)} -> ${money(list - v.discount)} (Discount Function takes off ${money(v.discount)})`
      : `${l.variantId}: ${money(list)}, list price (nothing to discount)`;
  });
}
