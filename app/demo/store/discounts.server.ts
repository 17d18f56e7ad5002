import { ATTR, formatMinor, parseMinor, type Payload } from "@moments/engine";
import { cartLinesDiscountsGenerateRun } from "@moments/surfaces/discount";
import {
  functionShards,
  inputVariables,
  NO_SHARD,
  SHARD_ALIASES,
  type InputLine,
  type RunInput,
  type ShardAlias,
} from "@moments/contracts";
import type { StoreVariant } from "./catalog";

/** A cart line as the Discount Function's input describes it. */
export interface DiscountableLine {
  variant: StoreVariant;
  quantity: number;
  unitPrice: number;
  properties: Record<string, string>;
}

/**
 * What Shopify takes off each line of the demo cart: the Discount Function's own entry
 * (`cartLinesDiscountsGenerateRun`) on the input Shopify would give it for this cart (lines in the
 * cart's currency, line attributes the offer wrote, the payload as the publisher's shard
 * metafields hold it, the trigger tags and collections its input query asks about). A line the
 * function does not discount gets 0, so a forged or edited offer line pays its list price.
 */
export function functionDiscounts(
  payload: Payload | null,
  lines: readonly DiscountableLine[],
  currency: string,
  now: number,
): number[] {
  if (!payload || !lines.some((l) => l.properties[ATTR.offer])) return lines.map(() => 0);
  const money = (minor: number) => ({ amount: formatMinor(minor, currency), currencyCode: currency });
  const attr = (l: DiscountableLine, key: string) => (l.properties[key] ? { value: l.properties[key]! } : null);
  const asked = inputVariables(payload);
  const values = functionShards(payload).values;
  const shards = {} as Pick<RunInput["shop"], ShardAlias>;
  SHARD_ALIASES.forEach((alias, i) => (shards[alias] = { value: values[i] ?? NO_SHARD }));
  const inputLines: InputLine[] = lines.map((l, i) => ({
    id: `gid://shopify/CartLine/${i + 1}`,
    quantity: l.quantity,
    cost: { amountPerQuantity: money(l.unitPrice), subtotalAmount: money(l.unitPrice * l.quantity) },
    offer: attr(l, ATTR.offer),
    arm: attr(l, ATTR.arm),
    moment: attr(l, ATTR.moment),
    token: attr(l, ATTR.token),
    sellingPlanAllocation: null,
    merchandise: {
      __typename: "ProductVariant",
      id: l.variant.gid,
      product: {
        id: l.variant.product.gid,
        vendor: l.variant.product.vendor,
        productType: l.variant.product.productType,
        hasTags: asked.tags.map((tag) => ({ tag, hasTag: l.variant.product.tags.includes(tag) })),
        inCollections: asked.collections.map((c) => ({
          collectionId: c,
          isMember: l.variant.product.collections.some((x) => `gid://shopify/Collection/${x.id}` === c),
        })),
      },
    },
  }));
  const input: RunInput = {
    cart: {
      cost: { subtotalAmount: money(lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0)) },
      lines: inputLines,
    },
    discount: { discountClasses: ["PRODUCT"] },
    shop: { localTime: { date: new Date(now).toISOString().slice(0, 10) }, ...shards },
  };
  const off = new Map<string, number>();
  for (const op of cartLinesDiscountsGenerateRun(input).operations) {
    if (!("productDiscountsAdd" in op)) continue;
    for (const c of op.productDiscountsAdd.candidates) {
      const amount = c.value && "fixedAmount" in c.value ? parseMinor(c.value.fixedAmount.amount, currency) : null;
      for (const t of c.targets)
        if ("cartLine" in t && amount) off.set(t.cartLine.id, (off.get(t.cartLine.id) ?? 0) + amount);
    }
  }
  return inputLines.map((l, i) => Math.min(off.get(l.id) ?? 0, lines[i]!.unitPrice * lines[i]!.quantity));
}
