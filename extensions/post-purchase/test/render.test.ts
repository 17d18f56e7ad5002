import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  find,
  loadBundle,
  mount as mountIn,
  offer,
  stubBackend,
  settle,
  textOf,
  type Callback,
  type Node,
} from "./harness";

/** The shipped bundle in a real RemoteRoot (./harness): ShouldRender, render, accept, decline. */
let registered: Record<string, Callback> = {};

beforeAll(async () => {
  registered = await loadBundle();
}, 60_000);
afterEach(() => vi.unstubAllGlobals());

const mount = (stored: unknown) => mountIn(registered, stored);

const press = async (root: Node, label: RegExp) => {
  const button = find(root, "Button").find((b) => label.test(textOf(b)));
  if (!button) throw new Error(`no button ${label}: ${textOf(root)}`);
  (button.props!.onPress as () => void)();
  await settle();
};

describe("the bundled extension", () => {
  it("registers ShouldRender and Render", () => {
    expect(Object.keys(registered).sort()).toEqual([
      "Checkout::PostPurchase::Render",
      "Checkout::PostPurchase::ShouldRender",
    ]);
  });

  it("GIVEN the backend fails WHEN ShouldRender runs THEN it does not render", async () => {
    vi.stubGlobal("fetch", async () => ({ ok: false, status: 503, json: async () => ({}) }));
    expect(
      await registered["Checkout::PostPurchase::ShouldRender"]!({
        inputData: { token: "t" },
        storage: { update: async () => {} },
      }),
    ).toEqual({ render: false });
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
    const calls = stubBackend({
      "/api/post-purchase/sign": [{ token: "signed.jwt" }],
      "/api/post-purchase/offer": [{ offer: offer("off_kit", 2) }],
    });
    const { root, api } = await mount({ offer: offer("off_case", 1) });
    await press(root, /Add off_case/);
    expect(calls.find((c) => c.path === "/api/post-purchase/sign")?.body).toEqual({
      referenceId: "ref-1",
      offerId: "off_case",
      multiple: 1,
      expected: { final: 3120, currency: "EUR" },
    });
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
