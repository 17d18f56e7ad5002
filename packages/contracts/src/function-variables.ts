import type { Payload } from "@moments/engine";

/**
 * The input query's variables ($tags, $collections): a product's tags and collections cannot be
 * listed in a function's input, only asked about, so the function asks about every trigger tag
 * and collection of the published offers. The publisher writes this, as JSON, on the discount
 * (the function owner) in the metafield `[extensions.input.variables]` names.
 */
export interface InputVariables {
  tags: string[];
  collections: string[];
}

/** Sorted and deduplicated, so republishing the same offers writes the same value. */
export function inputVariables(payload: Payload): InputVariables {
  const tags = new Set<string>();
  const collections = new Set<string>();
  for (const o of payload.offers) {
    for (const t of o.targeting?.tags ?? []) tags.add(t);
    for (const c of o.targeting?.collections ?? []) collections.add(c);
  }
  return { tags: [...tags].sort(), collections: [...collections].sort() };
}
