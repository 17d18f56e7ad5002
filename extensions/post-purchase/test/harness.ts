import { vi } from "vitest";
import { createRemoteRoot, type RemoteRoot } from "@remote-ui/core";
import { bundleExtension } from "../bundle";
import type { OfferView } from "../src/flow";

/**
 * The shipped bundle (built like the Shopify CLI builds it: React 17 + the library, React
 * de-duplicated), run against a real @remote-ui/core RemoteRoot, the way Shopify's host runs it.
 */
export type Callback = (...args: unknown[]) => unknown;

/** Runs the bundle once and returns the extension points it registered. */
export async function loadBundle(): Promise<Record<string, Callback>> {
  const registered: Record<string, Callback> = {};
  const code = await bundleExtension({ minify: false });
  new Function("self", code)({ shopify: { extend: (point: string, cb: Callback) => (registered[point] = cb) } });
  return registered;
}

export const offer = (offerId: string, step: number, extra: Partial<OfferView> = {}): OfferView => ({
  referenceId: "ref-1",
  step,
  offerId,
  moment: "post_purchase",
  type: "product",
  locale: "en",
  title: `Title ${offerId}`,
  cta: `Add ${offerId}`,
  decline: "No thanks",
  currency: "EUR",
  quantities: [
    {
      multiple: 1,
      original: 3900,
      final: 3120,
      savings: 780,
      changes: [{ type: "add_variant", variantId: 4600000500, quantity: 1 }],
    },
  ],
  lines: [{ productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/4600000500", quantity: 1 }],
  journeyKey: "k",
  ...extra,
});

/** The backend as the bundle's fetch sees it: answers in order, records what was asked. */
export function stubBackend(answers: Record<string, unknown[]>) {
  const calls: Array<{ path: string; body: unknown }> = [];
  vi.stubGlobal("fetch", async (url: string, init: { body: string }) => {
    const path = new URL(url).pathname;
    calls.push({ path, body: JSON.parse(init.body) });
    const next = answers[path]?.shift() ?? {};
    return { ok: true, status: 200, json: async () => next };
  });
  return calls;
}

export interface Node {
  type?: string;
  text?: string;
  props?: Record<string, unknown>;
  children?: readonly Node[];
}
export const textOf = (n: Node): string => (n.text ?? "") + (n.children ?? []).map(textOf).join("");
export const find = (n: Node, type: string): Node[] => [
  ...(n.type === type ? [n] : []),
  ...(n.children ?? []).flatMap((c) => find(c, type)),
];
/** Every string the buyer can read: text nodes and string props (a banner's title, a select's label). */
export const readable = (n: Node): string[] => [
  ...(n.text ? [n.text] : []),
  ...Object.values(n.props ?? {}).filter((v): v is string => typeof v === "string"),
  ...(n.children ?? []).flatMap(readable),
];
export const settle = () => new Promise((r) => setTimeout(r, 20));

/** What Shopify's calculateChangeset answers for the preview (shipping, taxes, charged now). */
export const calculated = {
  status: "processed",
  errors: [],
  calculatedPurchase: {
    addedShippingLines: [{ priceSet: { presentmentMoney: { amount: "4.90", currencyCode: "EUR" } } }],
    addedTaxLines: [{ priceSet: { presentmentMoney: { amount: "5.10", currencyCode: "EUR" } } }],
    totalOutstandingSet: { presentmentMoney: { amount: "41.25", currencyCode: "EUR" } },
  },
};

export async function mount(
  registered: Record<string, Callback>,
  stored: unknown,
  opts: { locale?: string; calculate?: unknown } = {},
) {
  const root = createRemoteRoot(() => {}) as RemoteRoot;
  const api = {
    inputData: { token: "input.jwt", locale: opts.locale ?? "en", initialPurchase: { referenceId: "ref-1" } },
    storage: { initialData: stored, update: async () => {} },
    applyChangeset: vi.fn(async (_token: string) => ({
      status: "processed",
      errors: [],
      changesetApplicationsRemaining: 2,
    })),
    calculateChangeset: vi.fn(
      async () => opts.calculate ?? { status: "unprocessed", errors: [{ code: "server_error", message: "n/a" }] },
    ),
    done: vi.fn(async () => {}),
  };
  registered["Checkout::PostPurchase::Render"]!(root, api);
  await settle();
  return { root: root as unknown as Node, api };
}
