import type { CartLine, Payload } from "@moments/engine";
import type { Host } from "./host";

/**
 * Product tags and collections, for offers triggered by them. The checkout's line API has neither,
 * so they are asked from the Storefront API (`api_access`), once per product, and only when a
 * published offer needs them. Until the answer arrives, or if the query fails, the lines carry no
 * tags: such offers are then not shown; nothing else waits for it. Validated against the Storefront
 * schema in test/facts.test.ts.
 */
export const FACTS_QUERY =
  "query MomentsLineFacts($ids:[ID!]!){nodes(ids:$ids){...on Product{id tags collections(first:50){nodes{id}}}}}";

interface Facts {
  tags: string[];
  collectionIds: string[];
}
type FactsAnswer = { data?: { nodes?: Array<{ id?: string; tags?: string[]; collections?: { nodes: Array<{ id: string }> } } | null> } };

const known = new Map<string, Facts>();
const asked = new Set<string>();
const NONE: Facts = { tags: [], collectionIds: [] };

/** Does any published offer trigger on tags or collections? */
export const needsFacts = (p: Payload): boolean =>
  p.offers.some((o) => !!(o.targeting && (o.targeting.tags || o.targeting.collections)));

/**
 * The lines with the facts known so far; asks for the missing products (once each) and calls
 * `changed` when the answer adds anything.
 */
export function withFacts(shopify: Host, lines: CartLine[], changed: () => void): CartLine[] {
  const missing = lines.map((l) => l.productId).filter((id) => id && !known.has(id) && !asked.has(id));
  if (missing.length && shopify.query) {
    for (const id of missing) asked.add(id);
    // Started inside a promise: a host that throws instead of rejecting cannot break the render.
    Promise.resolve()
      .then(() => shopify.query!<FactsAnswer>(FACTS_QUERY, { variables: { ids: missing } }))
      .then(
        (r) => {
          for (const n of (r.data && r.data.nodes) || [])
            if (n && n.id) known.set(n.id, { tags: n.tags || [], collectionIds: n.collections ? n.collections.nodes.map((c) => c.id) : [] });
        },
        () => undefined,
      )
      .then(() => {
        for (const id of missing) if (!known.has(id)) known.set(id, NONE);
        changed();
      });
  }
  return lines.map((l) => {
    const f = known.get(l.productId);
    return f && f !== NONE ? Object.assign({}, l, { tags: f.tags, collectionIds: f.collectionIds }) : l;
  });
}
