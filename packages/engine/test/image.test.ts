import { describe, expect, it } from "vitest";
import { decide, decodePayload, encodePayload, joinImage, OfferSchema, splitImageUrl } from "../src/index";
import { makeOffers, settings, shopifyImageUrl, withImages } from "./fixtures";
import { input, offer } from "./helpers";

const CDN = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files/";

describe("offer images (decision 024)", () => {
  it("GIVEN a Shopify CDN URL WHEN split THEN the folder and the file join back to the URL", () => {
    const url = `${CDN}mug-navy-2.jpg?v=1712345678`;
    expect(splitImageUrl(url)).toEqual([CDN, "mug-navy-2.jpg?v=1712345678"]);
    expect(joinImage(splitImageUrl(url)!)).toBe(url);
  });

  it("GIVEN a path on the app's origin WHEN split THEN it is kept (the demo's images)", () => {
    expect(splitImageUrl("/demo-products/parka.svg")).toEqual(["/demo-products/", "parka.svg"]);
  });

  it("GIVEN URLs the model cannot hold WHEN split THEN null (the offer shows without an image)", () => {
    for (const url of [
      "http://cdn.example/a.jpg",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      `${CDN}`,
      `${CDN}a b.jpg`,
      `${CDN}${"x".repeat(301)}.jpg`,
      `${CDN}a.jpg?next=/b`,
      "",
    ])
      expect(splitImageUrl(url), url).toBeNull();
  });

  it("GIVEN parts joined into another scheme WHEN validated THEN refused by both validators", () => {
    const bad = offer({ image: ["javascript", ":alert(1)"] });
    expect(OfferSchema.safeParse(bad).success).toBe(false);
    const wire = encodePayload([bad], settings, 1);
    expect(decodePayload(wire).ok).toBe(false);
  });

  it("GIVEN 200 offers with Shopify CDN images WHEN encoded THEN the shop's folder is stored once and the model round-trips", () => {
    const offers = withImages(makeOffers(200));
    const wire = encodePayload(offers, settings, 1_700_000_000_000);
    expect(wire.split(CDN).length - 1).toBe(1);
    const decoded = decodePayload(wire);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.payload.offers.map((o) => joinImage(o.image))).toEqual(
      offers.map((o) => shopifyImageUrl(o.items[0]!.productId)),
    );
    // About 40 bytes an offer: the file name and a reference to the folder.
    const plain = encodePayload(makeOffers(200), settings, 1_700_000_000_000);
    expect(Buffer.byteLength(wire) - Buffer.byteLength(plain)).toBeLessThan(200 * 45);
  });

  it("GIVEN an offer with an image and a design WHEN shown THEN the decision carries the image's URL and the design", () => {
    const o = offer({ image: [CDN, "case.jpg?v=1"], design: "banner" });
    const shown = decide(input([o])).moments[0]!.offers[0]!;
    expect(shown.image).toBe(`${CDN}case.jpg?v=1`);
    expect(shown.design).toBe("banner");
  });

  it("GIVEN an experiment arm with its own design WHEN the buyer is in it THEN the arm's design is shown", () => {
    const o = offer({
      design: "compact",
      experiment: { id: "e", holdoutBps: 0, variants: [{ id: "a", weight: 1, design: "banner" }] },
    });
    const shown = decide(input([o])).moments[0]!.offers[0]!;
    expect(shown.armId).toBe("a");
    expect(shown.design).toBe("banner");
  });

  it("GIVEN a design that is not a layout WHEN validated THEN both validators refuse it", () => {
    const bad = { ...offer(), design: "blue banner" };
    expect(OfferSchema.safeParse(bad).success).toBe(false);
    const r = decodePayload(encodePayload([bad as never], settings, 1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe("offers[0].design");
  });
});
