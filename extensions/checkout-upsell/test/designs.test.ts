// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import type { Design, Offer } from "@moments/engine";
import { line, metafield, offers, payloadJson } from "./support/fixtures";
import { renderTarget, unmountTarget } from "./support/render";

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};
const $ = (s: string) => document.body.querySelector<HTMLElement>(s);
const prop = (el: HTMLElement | null, name: string) =>
  (el as unknown as Record<string, unknown> | null)?.[name] ?? el?.getAttribute(name);

const CDN = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/";
/** The demo's drill offer (the tool case) in a layout, with an image on Shopify's CDN (or none). */
function drillCase(
  design: Design | undefined,
  image: Offer["image"] | null = [CDN, "tool-case.jpg?v=1712345678"],
): Offer[] {
  return offers.map((o) => {
    if (o.id !== "demo-drill-case") return o;
    const { design: _d, image: _i, experiment: _e, ...rest } = o;
    return { ...rest, ...(design ? { design } : {}), ...(image ? { image } : {}) };
  });
}

interface MockApi {
  appMetafields: { value: unknown };
  checkoutToken: { value: unknown };
  lines: { value: unknown };
  cost: { subtotalAmount: { value: unknown } };
  localization: { currency: { value: unknown } };
}

describe("purchase.checkout.block.render: layouts and product images (decision 024)", () => {
  const ext = getExtension("purchase.checkout.block.render");
  const api = () => ext.shopify as unknown as MockApi;
  const show = async (list: Offer[]) => {
    api().appMetafields.value = metafield(payloadJson(list));
    const drill = line("drill");
    api().lines.value = [drill];
    api().cost.subtotalAmount.value = drill.cost.totalAmount;
    api().localization.currency.value = { isoCode: "EUR" };
    await renderTarget(ext.shopify.extension.target);
    await flush();
  };
  beforeEach(() => {
    ext.setUp();
    api().checkoutToken.value = "tok-designs";
    ext.fetch = vi.fn().mockResolvedValue(new Response("{}"));
  });
  afterEach(async () => {
    await unmountTarget();
    ext.tearDown();
  });

  test("GIVEN the card layout WHEN the block renders THEN the product thumbnail sits beside the headline, text and price", async () => {
    await show(drillCase("card"));
    const thumb = $("s-grid > s-product-thumbnail");
    expect(prop(thumb, "src")).toBe(`${CDN}tool-case.jpg?v=1712345678`);
    expect(prop(thumb, "size")).toBe("base");
    expect(prop(thumb, "alt")).toBe("Keep it all together");
    expect($("s-grid s-heading")?.textContent).toBe("Keep it all together");
    expect($("s-grid s-text")?.textContent).toContain("stackable case");
    expect($("s-image")).toBeNull();
  });

  test("GIVEN no design WHEN the block renders THEN it is the card layout", async () => {
    await show(drillCase(undefined));
    expect(prop($("s-product-thumbnail"), "size")).toBe("base");
    expect(prop($("s-stack"), "background")).toBe("base");
  });

  test("GIVEN the compact layout WHEN the block renders THEN a small thumbnail, the headline and the price, without the text", async () => {
    await show(drillCase("compact"));
    const thumb = $("s-grid > s-product-thumbnail");
    expect(prop(thumb, "size")).toBe("small");
    expect($("s-heading")?.textContent).toBe("Keep it all together");
    expect(document.body.textContent).not.toContain("stackable case");
    expect([...document.body.querySelectorAll("s-button")].map((b) => b.textContent)).toEqual([
      "offer.add",
      "offer.decline",
    ]);
  });

  test("GIVEN the banner layout WHEN the block renders THEN a wide image leads a subdued panel, above the headline", async () => {
    await show(drillCase("banner"));
    const panel = $("s-stack");
    expect(prop(panel, "background")).toBe("subdued");
    const image = panel!.firstElementChild as HTMLElement;
    expect(image.localName).toBe("s-image");
    expect(prop(image, "src")).toBe(`${CDN}tool-case.jpg?v=1712345678`);
    expect(prop(image, "aspectRatio")).toBe("2");
    expect($("s-product-thumbnail")).toBeNull();
    expect($("s-heading")?.textContent).toBe("Keep it all together");
  });

  test("GIVEN an offer without an image WHEN the block renders in any layout THEN the copy and both actions show, with no image element", async () => {
    for (const design of ["card", "compact", "banner"] as const) {
      await show(drillCase(design, null));
      expect($("s-product-thumbnail"), design).toBeNull();
      expect($("s-image"), design).toBeNull();
      expect($("s-heading")?.textContent, design).toBe("Keep it all together");
      expect(document.body.querySelectorAll("s-button")).toHaveLength(2);
      await unmountTarget();
    }
  });

  test("GIVEN an image URL that will not load WHEN the block renders THEN the offer still renders (the host's thumbnail shows its placeholder)", async () => {
    await show(drillCase("card", [CDN, "missing-file.jpg?v=1"]));
    expect(prop($("s-product-thumbnail"), "src")).toBe(`${CDN}missing-file.jpg?v=1`);
    expect(document.body.querySelectorAll("s-button")).toHaveLength(2);
  });

  test("GIVEN a design experiment WHEN two buyers in different arms check out THEN each sees their arm's layout", async () => {
    const withArms = drillCase("card").map((o) =>
      o.id === "demo-drill-case"
        ? {
            ...o,
            experiment: {
              id: "exp-design",
              holdoutBps: 0,
              variants: [
                { id: "plain", weight: 1 },
                { id: "bold", weight: 1, design: "banner" as const },
              ],
            },
          }
        : o,
    );
    const { assign } = await import("@moments/engine");
    const exp = withArms.find((o) => o.id === "demo-drill-case")!.experiment!;
    const keyFor = (arm: string) => {
      for (let i = 0; ; i++) {
        const a = assign(exp, `tok-${i}`);
        if (a.kind === "variant" && a.armId === arm) return `tok-${i}`;
      }
    };
    api().checkoutToken.value = keyFor("plain");
    await show(withArms);
    expect(prop($("s-stack"), "background")).toBe("base");
    expect($("s-product-thumbnail")).not.toBeNull();
    await unmountTarget();
    api().checkoutToken.value = keyFor("bold");
    await show(withArms);
    expect(prop($("s-stack"), "background")).toBe("subdued");
    expect($("s-image")).not.toBeNull();
  });
});
