/**
 * The requested cost Shopify computes for an Admin GraphQL query before running it, by its
 * documented rules: a scalar or enum 0, an object 1, an interface or union the most costly of its
 * possible selections, a connection 2 plus `first` (or `last`) times the cost of one node, a list
 * of objects (`nodes(ids:)`) its length times one element. A query whose requested cost is over
 * 1,000 is refused before it runs (MAX_COST_EXCEEDED), whatever it would have returned; a mock
 * answers it anyway, so only arithmetic against the schema shows it.
 */
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export { MAX_QUERY_COST } from "~/gateway/product-reads";

type Vars = Record<string, unknown>;

function valueOf(node: ValueNode | undefined, vars: Vars): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return vars[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values.map((v) => valueOf(v, vars));
  return undefined;
}

function valueOfBool(node: ValueNode | undefined, vars: Vars): unknown {
  if (node?.kind === Kind.VARIABLE) return vars[node.name.value];
  return node?.kind === Kind.BOOLEAN ? node.value : undefined;
}

const unwrap = (t: GraphQLOutputType): GraphQLOutputType => (isNonNullType(t) ? t.ofType : t);

/** The requested cost of the document's (only) query with these variables. */
export function queryCost(schema: GraphQLSchema, source: string, vars: Vars): number {
  const doc = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION || op.operation !== "query") throw new Error("not a query");

  /** The cost of a selection set on `type` (not counting the object itself). */
  const selectionCost = (type: GraphQLCompositeType, set: SelectionSetNode): number => {
    if (isAbstractType(type)) {
      // An interface or union: the most costly of the types it may be.
      const possible = schema.getPossibleTypes(type);
      return Math.max(0, ...possible.map((t) => objectSelectionCost(t, set)));
    }
    return objectSelectionCost(type as GraphQLObjectType, set);
  };

  /** `@include(if: false)` and `@skip(if: true)` take a selection out of the query, and of its cost. */
  const included = (sel: SelectionNode): boolean =>
    !(sel.directives ?? []).some((d) => {
      const on = valueOfBool(d.arguments?.find((a) => a.name.value === "if")?.value, vars);
      return (d.name.value === "include" && on === false) || (d.name.value === "skip" && on === true);
    });

  const objectSelectionCost = (type: GraphQLObjectType, set: SelectionSetNode): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (!included(sel)) continue;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (on === type || (on && isAbstractType(on) && schema.isSubType(on, type)))
          cost += objectSelectionCost(type, sel.selectionSet);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value)!;
        const on = schema.getType(f.typeCondition.name.value);
        if (on === type || (on && isAbstractType(on) && schema.isSubType(on, type)))
          cost += objectSelectionCost(type, f.selectionSet);
        continue;
      }
      if (sel.name.value === "__typename") continue;
      const def = type.getFields()[sel.name.value];
      if (!def) throw new Error(`${type.name}.${sel.name.value} is not in the schema`);
      cost += fieldCost(def.type, sel.selectionSet, (name) =>
        valueOf(sel.arguments?.find((a) => a.name.value === name)?.value, vars),
      );
    }
    return cost;
  };

  const fieldCost = (
    t: GraphQLOutputType,
    set: SelectionSetNode | undefined,
    arg: (name: string) => unknown,
  ): number => {
    const named: GraphQLNamedType = getNamedType(t);
    if (isLeafType(named)) return 0;
    const composite = named as GraphQLCompositeType;
    if (named.name.endsWith("Connection")) {
      const size = arg("first") ?? arg("last");
      if (typeof size !== "number") throw new Error(`${named.name} without a size: give its variable`);
      const nodeType = (composite as GraphQLObjectType).getFields().nodes;
      const node = getNamedType(nodeType!.type) as GraphQLCompositeType;
      // One node: the object and what is selected of it, through `nodes` or `edges { node }`; the
      // connection's `pageInfo` is one object more.
      let perNode = 1;
      let pageInfo = 0;
      for (const sel of set!.selections) {
        if (sel.kind !== Kind.FIELD) continue;
        if (sel.name.value === "pageInfo") pageInfo = 1;
        if (sel.name.value === "nodes") perNode = 1 + selectionCost(node, sel.selectionSet!);
        if (sel.name.value === "edges")
          for (const e of sel.selectionSet!.selections)
            if (e.kind === Kind.FIELD && e.name.value === "node") perNode = 1 + selectionCost(node, e.selectionSet!);
      }
      return 2 + size * perNode + pageInfo;
    }
    const one = 1 + selectionCost(composite, set!);
    if (isListType(unwrap(t))) {
      const ids = arg("ids");
      return (Array.isArray(ids) ? ids.length : 1) * one;
    }
    return one;
  };

  return selectionCost(schema.getQueryType()!, op.selectionSet);
}
