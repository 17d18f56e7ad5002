import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { find, loadBundle, mount as mountIn, offer, stubBackend, textOf, type Callback, type Node } from "./harness";

/** The shipped bundle renders the offer's product image in its layout (decision 024). */
let registered: Record<string, Callback> = {};
beforeAll(async () => {
  registered = await loadBundle();
}, 60_000);
afterEach(() => vi.unstubAllGlobals());

const IMAGE = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/tool-case.jpg?v=1712345678";
const show = async (extra: Parameters<typeof offer>[2]) => {
  stubBackend({});
  return (
    await mountIn(registered, { offer: offer("off_case", 1, { body: "Fits the drill and both batteries.", ...extra }) })
  ).root;
};
const layoutOf = (root: Node) => find(root, "Layout")[0]!;

describe("post-purchase: the product image in each layout", () => {
  it("GIVEN the card layout WHEN rendered THEN the image sits beside the offer (above it on small screens), with its text", async () => {
    const root = await show({ image: IMAGE, design: "card" });
    const [image] = find(root, "Image");
    expect(image!.props).toMatchObject({ source: IMAGE, description: "Title off_case", aspectRatio: 1 });
    const layout = layoutOf(root);
    expect(layout.children![0]!.type).toBe("Image");
    expect(layout.props!.media).toContainEqual({ viewportSize: "small", sizes: [1, 0, 1], maxInlineSize: 0.9 });
    expect(textOf(root)).toContain("Fits the drill");
    expect(find(root, "Button").map(textOf)).toEqual(["Add off_case", "No thanks"]);
  });

  it("GIVEN no design WHEN rendered THEN it is the card layout", async () => {
    const root = await show({ image: IMAGE });
    expect(layoutOf(root).children![0]!.type).toBe("Image");
    expect(layoutOf(root).props!.media).toBeDefined();
  });

  it("GIVEN the compact layout WHEN rendered THEN a 72 px thumbnail beside the headline and price, without the text", async () => {
    const root = await show({ image: IMAGE, design: "compact" });
    expect(layoutOf(root).props!.sizes).toEqual([72, 16, "fill"]);
    expect(find(root, "Image")[0]!.props).toMatchObject({ source: IMAGE, aspectRatio: 1 });
    expect(textOf(root)).toContain("Title off_case");
    expect(textOf(root)).not.toContain("Fits the drill");
    expect(find(root, "Button")).toHaveLength(2);
  });

  it("GIVEN the banner layout WHEN rendered THEN a wide image leads, above the headline", async () => {
    const root = await show({ image: IMAGE, design: "banner" });
    const stack = find(layoutOf(root), "BlockStack")[0]!;
    expect(stack.children![0]!.type).toBe("Image");
    expect(stack.children![0]!.props).toMatchObject({ source: IMAGE, aspectRatio: 2, fit: "contain" });
    expect(textOf(root)).toContain("Fits the drill");
  });

  it("GIVEN no image, or a design this extension does not know WHEN rendered THEN the offer still renders", async () => {
    const plain = await show({ design: "banner" });
    expect(find(plain, "Image")).toHaveLength(0);
    expect(find(plain, "Button")).toHaveLength(2);
    const unknown = await show({ image: IMAGE, design: "neon" as never });
    expect(find(unknown, "Image")).toHaveLength(1);
    expect(find(unknown, "Button")).toHaveLength(2);
  });
});
