import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRemoteRoot, type RemoteRoot } from "@remote-ui/core";
import { bundleExtension } from "../bundle";
import type { OfferView } from "../src/flow";

/**
 * The shipped bundle (built like the Shopify CLI builds it: React 17 + the library, React
 * de-duplicated), run against a real @remote-ui/core RemoteRoot, the way Shopify's host runs it.
 */
type Callback = (...args: unknown[]) => unknown;
const registered: Record<string, Callback> = {};

beforeAll(async () => {
  const code = await bundleExtension({ minify: false });
  new Function("self", code)({ shopify: { extend: (point: string, cb: Callback) => (registered[point] = cb) } });
}, 60_000);
afterEach(() => vi.unstubAllGlobals());

const offer = (offerId: string, step: number): OfferView => ({
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
  quantities: [{ multiple: 1, original: 3900, final: 3120, savings: 780, changes: [{ type: "add_variant", variantId: 4600000500, quantity: 1 }] }],
  lines: [{ productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/4600000500", quantity: 1 }],
  journeyKey: "k",
});

/** The backend as the bundle's fetch sees it: answers in order, records what was asked. */
function stubBackend(answers: Record<string, unknown[]>) {
  const calls: Array<{ path: string; body: unknown }> = [];
  vi.stubGlobal("fetch", async (url: string, init: { body: string }) => {
    const path = new URL(url).pathname;
    calls.push({ path, body: JSON.parse(init.body) });
    const next = answers[path]?.shift() ?? {};
    return { ok: true, status: 200, json: async () => next };
  });
  return calls;
}

interface Node {
  type?: string;
  text?: string;
  props?: Record<string, unknown>;
  children?: readonly Node[];
}
const textOf = (n: Node): string => (n.text ?? "") + (n.children ?? []).map(textOf).join("");
const find = (n: Node, type: string): Node[] => [...(n.type === type ? [n] : []), ...(n.children ?? []).flatMap((c) => find(c, type))];
const settle = () => new Promise((r) => setTimeout(r, 20));

async function mount(stored: unknown) {
  const root = createRemoteRoot(() => {}) as RemoteRoot;
  const api = {
    inputData: { token: "input.jwt", locale: "en", initialPurchase: { referenceId: "ref-1" } },
    storage: { initialData: stored, update: async () => {} },
    applyChangeset: vi.fn(async (_token: string) => ({ status: "processed", errors: [], changesetApplicationsRemaining: 2 })),
    calculateChangeset: vi.fn(async () => ({ status: "unprocessed", errors: [{ code: "server_error", message: "n/a" }] })),
    done: vi.fn(async () => {}),
  };
  registered["Checkout::PostPurchase::Render"]!(root, api);
  await settle();
  return { root: root as unknown as Node, api };
}

const press = async (root: Node, label: RegExp) => {
  const button = find(root, "Button").find((b) => label.test(textOf(b)));
  if (!button) throw new Error(`no button ${label}: ${textOf(root)}`);
  (button.props!.onPress as () => void)();
  await settle();
};

describe("the bundled extension", () => {
  it("registers ShouldRender and Render", () => {
    expect(Object.keys(registered).sort()).toEqual(["Checkout::PostPurchase::Render", "Checkout::PostPurchase::ShouldRender"]);
  });

  it("GIVEN the backend fails WHEN ShouldRender runs THEN it does not render", async () => {
    vi.stubGlobal("fetch", async () => ({ ok: false, status: 503, json: async () => ({}) }));
    expect(await registered["Checkout::PostPurchase::ShouldRender"]!({ inputData: { token: "t" }, storage: { update: async () => {} } })).toEqual({ render: false });
  });

  it("GIVEN a stored offer WHEN Render mounts THEN the offer, its price and savings, accept and decline are shown", async () => {
    stubBackend({});
    const { root } = await mount({ offer: offer("off_case", 1) });
    const text = textOf(root);
    expect(text).toContain("Title off_case");
    expect(text).toContain("€31.20");
    expect(text).toContain("You save €7.80");
    expect(find(root, "Button").map(textOf)).toEqual(["Add off_case", "No thanks"]);
  });

  it("GIVEN an offer WHEN the buyer accepts THEN the signed token is applied and the next offer is rendered", async () => {
    const calls = stubBackend({ "/api/post-purchase/sign": [{ token: "signed.jwt" }], "/api/post-purchase/offer": [{ offer: offer("off_kit", 2) }] });
    const { root, api } = await mount({ offer: offer("off_case", 1) });
    await press(root, /Add off_case/);
    expect(calls.find((c) => c.path === "/api/post-purchase/sign")?.body).toEqual({ referenceId: "ref-1", offerId: "off_case", multiple: 1, expected: { final: 3120, currency: "EUR" } });
    expect(api.applyChangeset).toHaveBeenCalledWith("signed.jwt");
    expect(textOf(root)).toContain("Title off_kit");
  });

  it("GIVEN an offer WHEN the buyer declines and there is no downsell THEN done() takes them to the thank-you page", async () => {
    const calls = stubBackend({ "/api/post-purchase/offer": [{ offer: null }] });
    const { root, api } = await mount({ offer: offer("off_case", 1) });
    await press(root, /No thanks/);
    expect(calls.find((c) => c.path === "/api/post-purchase/offer")?.body).toEqual({ declineOfferId: "off_case" });
    expect(api.done).toHaveBeenCalled();
    expect(api.applyChangeset).not.toHaveBeenCalled();
  });
});
