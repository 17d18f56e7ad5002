// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { decide, decodePayload, type ShownOffer } from "@moments/engine";
import type { ThankYouAccepted } from "@moments/contracts";
import { deviceHint } from "@moments/surfaces/checkout";
import { line, metafield, NOW, offers, payloadJson, settings } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

/**
 * The thank-you block adding its offer to the paid order (decision 026): the accept goes to the
 * app's /api/thank-you/accept with the session token, the block shows busy, then done (with the
 * invoice note) or a small error, never anything that breaks the page; a checkout that skipped the
 * post-purchase page shows the post-purchase offer the app answers instead.
 */
const TARGET = "purchase.thank-you.block.render";
const ORDER = "gid://shopify/Order/1"; // the tester's mock order confirmation
const TOKEN = "tok-thank-you-1";

const flush = async () => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = (s: string) => document.body.querySelector<HTMLElement>(s);
const buttons = () => [...document.body.querySelectorAll<HTMLElement>("s-button")];

interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
  storage: { read(key: string): Promise<unknown> };
}

type Call = { url: string; body: Record<string, unknown>; headers: Record<string, string> };
type Route = (body: Record<string, unknown>) => Promise<Response> | Response;

/** The app as the block sees it: one answer per path, every call recorded. */
function backend(ext: { fetch: typeof fetch }, routes: Record<string, Route>): Call[] {
  const calls: Call[] = [];
  ext.fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = String(url);
    const body = JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>;
    calls.push({ url: u, body, headers: init?.headers as Record<string, string> });
    const path = new URL(u).pathname;
    const route = routes[path];
    if (route) return route(body);
    return new Response("{}", { status: 200 });
  }) as typeof fetch;
  return calls;
}

const added = (offerId: string, invoiceSent = true): ThankYouAccepted => ({
  status: "added",
  offerId,
  charged: { amount: 2116, currency: "EUR" },
  balance: { amount: 2116, currency: "EUR" },
  invoiceSent,
});

/** The post-purchase offer the server's decision gives a drill buyer (the same engine, the same payload). */
function postPurchaseOfferFor(productKey: string): ShownOffer {
  const decoded = decodePayload(payloadJson());
  if (!decoded.ok) throw new Error("fixture payload");
  const l = line(productKey);
  const decision = decide({
    now: NOW,
    moments: ["post_purchase"],
    buyerKey: TOKEN,
    cart: {
      lines: [
        {
          productId: l.merchandise.product!.id,
          variantId: l.merchandise.id,
          quantity: 1,
          unitPrice: l.cost.totalAmount.amount * 100,
        },
      ],
      subtotal: l.cost.totalAmount.amount * 100,
      currency: "EUR",
    },
    purchasedProductIds: [l.merchandise.product!.id],
    payload: decoded.payload,
  });
  const offer = decision.moments[0]!.offers[0];
  if (!offer) throw new Error("no post-purchase offer for the fixture");
  return offer;
}

describe("purchase.thank-you.block.render: the offer added to the paid order", () => {
  const ext = getExtension(TARGET);
  const api = () => ext.shopify as unknown as MockApi;
  const buy = (productKey: string, variantKey?: string) => {
    const l = line(productKey, variantKey);
    api().lines.value = [l];
    api().cost.subtotalAmount.value = { amount: l.cost.totalAmount.amount, currencyCode: "EUR" };
    api().localization.currency.value = { isoCode: "EUR" };
  };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    ext.setUp();
    api().appMetafields.value = metafield(payloadJson());
    api().checkoutToken.value = TOKEN;
  });
  afterEach(async () => {
    await unmountTarget();
    const { events } = await import("../src/ui/OfferBlock");
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
    for (let i = 0; i < 10 && events.pending > 0; i++) await events.flush();
    ext.tearDown();
    vi.useRealTimers();
  });

  test("GIVEN a headset was bought and the post-purchase page showed its offer WHEN the buyer adds the cable THEN the app is asked with the order, the session token and the price shown, and the block says it was added and invoiced", async () => {
    buy("headset", "headset-black");
    let answer!: (r: Response) => void;
    const calls = backend(ext, {
      "/api/thank-you/offer": () =>
        Response.json({ offer: null, reason: "the post-purchase page made its offer for this checkout" }),
      "/api/thank-you/accept": () => new Promise<Response>((r) => (answer = r)),
    });
    await renderTarget(TARGET);
    await flush();
    expect($("s-heading")?.textContent).toBe("One more thing for your headset");
    expect(buttons().map((b) => b.textContent)).toEqual(["offer.add", "offer.decline"]);
    expect(buttons()[0]!.hasAttribute("href")).toBe(false);

    buttons()[0]!.click();
    await flush();
    // Busy while the app edits the order: the button spins and neither button can be pressed again.
    expect(buttons()[0]!.getAttribute("loading")).toBe("true");
    expect(buttons().every((b) => b.getAttribute("disabled") === "true")).toBe(true);
    const accept = calls.find((c) => c.url.endsWith("/api/thank-you/accept"))!;
    expect(accept.url).toBe("https://example.com/api/thank-you/accept");
    expect(accept.headers.Authorization).toBe("Bearer mock-session-token");
    // 15% off the 24.90 EUR cable: 21.16 EUR, the engine's price the block showed.
    expect(accept.body).toEqual({
      orderId: ORDER,
      checkoutToken: TOKEN,
      offerId: "demo-headset-cable-ty",
      moment: "thank_you",
      expected: { final: 2116, currency: "EUR" },
      declined: [],
      // The page's device hint, as the block decided with it (happy-dom's user agent: a desktop).
      device: deviceHint(navigator.userAgent),
    });

    answer(Response.json(added("demo-headset-cable-ty")));
    await flush();
    expect($("s-banner")?.getAttribute("heading")).toBe("offer.added");
    expect($("s-banner")?.textContent).toBe("One more thing for your headsetoffer.invoice");
    expect(buttons()).toEqual([]);
    const stored = (await api().storage.read(`moments:journey:${TOKEN}`)) as { accepted: string[] };
    expect(stored.accepted).toEqual(["demo-headset-cable-ty"]);
    // The app records the accept (with its value); the block sends only its click, never a second accept.
    const { events } = await import("../src/ui/OfferBlock");
    const sent: Array<Record<string, unknown>> = [];
    ext.fetch = vi.fn(async (_u: unknown, init?: RequestInit) => {
      sent.push(...(JSON.parse(String(init?.body)) as { events: Array<Record<string, unknown>> }).events);
      return new Response("{}");
    }) as typeof fetch;
    await events.flush();
    expect(
      sent
        .filter((e) => e.offerId === "demo-headset-cable-ty")
        .map((e) => e.type)
        .sort(),
    ).toEqual(["click", "impression"]);
  });

  test("GIVEN the app refuses the accept (the price changed since) WHEN the buyer adds the offer THEN a small error shows, the offer stays and nothing is recorded as accepted", async () => {
    buy("headset", "headset-black");
    backend(ext, {
      "/api/thank-you/offer": () => Response.json({ offer: null }),
      "/api/thank-you/accept": () => Response.json({ error: "price mismatch: 2116 EUR != 1990 EUR" }, { status: 409 }),
    });
    await renderTarget(TARGET);
    await flush();
    buttons()[0]!.click();
    await flush();
    expect($("s-banner[tone=critical]")?.textContent).toBe("offer.error");
    expect($("s-heading")?.textContent).toBe("One more thing for your headset");
    expect(buttons()[0]!.hasAttribute("loading")).toBe(false);
    expect((await api().storage.read(`moments:journey:${TOKEN}`)) as unknown).toMatchObject({ accepted: [] });
  });

  test("GIVEN the app cannot be reached WHEN the buyer adds the offer THEN the same small error shows and the page keeps working", async () => {
    buy("headset", "headset-black");
    backend(ext, {
      "/api/thank-you/offer": () => Promise.reject(new TypeError("Failed to fetch")),
      "/api/thank-you/accept": () => Promise.reject(new TypeError("Failed to fetch")),
    });
    await renderTarget(TARGET);
    await flush();
    // The fallback question failed too: the thank-you offer shows as it would without it.
    expect($("s-heading")?.textContent).toBe("One more thing for your headset");
    buttons()[0]!.click();
    await flush();
    expect($("s-banner")?.textContent).toBe("offer.error");
  });

  test("GIVEN the merchant chose a new checkout WHEN the page renders THEN the offer links to a new checkout and the app is never asked", async () => {
    api().appMetafields.value = metafield(payloadJson(offers, { ...settings, thankYouAccept: "new_checkout" }));
    buy("headset", "headset-black");
    const calls = backend(ext, {});
    await renderTarget(TARGET);
    await flush();
    expect(buttons()[0]!.textContent).toBe("offer.newCheckout");
    expect(buttons()[0]!.getAttribute("href")).toContain("https://mock-shop.myshopify.com/cart/add?");
    expect(calls.filter((c) => c.url.includes("/api/thank-you/"))).toEqual([]);
  });

  test("GIVEN a wallet checkout that skipped the post-purchase page WHEN the page renders THEN the post-purchase offer the app answers is shown, and adding it names its moment", async () => {
    buy("drill");
    const fallback = postPurchaseOfferFor("drill");
    const calls = backend(ext, {
      "/api/thank-you/offer": () => Response.json({ offer: fallback }),
      "/api/thank-you/accept": (body) => Response.json(added(String(body.offerId), false)),
    });
    await renderTarget(TARGET);
    await flush();
    const asked = calls.find((c) => c.url.endsWith("/api/thank-you/offer"))!;
    expect(asked.body).toEqual({ orderId: ORDER, checkoutToken: TOKEN });
    expect(asked.headers.Authorization).toBe("Bearer mock-session-token");
    expect($("s-heading")?.textContent).toBe(fallback.copy.title);
    buttons()[0]!.click();
    await flush();
    const accept = calls.find((c) => c.url.endsWith("/api/thank-you/accept"))!;
    expect(accept.body).toMatchObject({
      offerId: fallback.offerId,
      moment: "post_purchase",
      expected: { final: fallback.price.final, currency: "EUR" },
    });
    // Added without a balance to pay (no invoice): the banner says added, nothing about an invoice.
    expect($("s-banner")?.textContent).toBe(fallback.copy.title);
    // Its impression and click are the post-purchase moment's, seen on the thank-you surface.
    const { events } = await import("../src/ui/OfferBlock");
    const sent: Array<Record<string, unknown>> = [];
    ext.fetch = vi.fn(async (_u: unknown, init?: RequestInit) => {
      sent.push(...(JSON.parse(String(init?.body)) as { events: Array<Record<string, unknown>> }).events);
      return new Response("{}");
    }) as typeof fetch;
    await events.flush();
    expect(sent.filter((e) => e.offerId === fallback.offerId).map((e) => [e.type, e.moment, e.surface])).toEqual([
      ["impression", "post_purchase", "thank_you"],
      ["click", "post_purchase", "thank_you"],
    ]);
  });

  test("GIVEN the buyer declined the wallet fallback WHEN the page is shown again THEN the thank-you moment decides as usual (the declined offer is not shown again)", async () => {
    buy("drill");
    const fallback = postPurchaseOfferFor("drill");
    backend(ext, { "/api/thank-you/offer": () => Response.json({ offer: fallback }) });
    await renderTarget(TARGET);
    await flush();
    expect($("s-heading")?.textContent).toBe(fallback.copy.title);
    buttons()[1]!.click();
    await flush();
    const stored = (await api().storage.read(`moments:journey:${TOKEN}`)) as { declined: string[] };
    expect(stored.declined).toEqual([fallback.offerId]);
    // No thank-you offer for a drill: once declined, the block shows nothing.
    expect($("s-heading")).toBeNull();
  });

  test("GIVEN the app has no post-purchase offer for the order WHEN the page renders THEN the thank-you offer shows (nothing while the app is asked)", async () => {
    buy("headset", "headset-black");
    let answer!: (r: Response) => void;
    backend(ext, { "/api/thank-you/offer": () => new Promise<Response>((r) => (answer = r)) });
    await renderTarget(TARGET);
    await flush();
    expect(document.body.childNodes.length).toBe(0);
    answer(Response.json({ offer: null, reason: "held out" }));
    await flush();
    expect($("s-heading")?.textContent).toBe("One more thing for your headset");
  });
});
