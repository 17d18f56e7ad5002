import type { ReactNode } from "react";
import type { OfferView } from "./flow";
import { BlockStack, Image, Layout, View } from "./ui";

/**
 * The offer's layout (decision 024) around its content: `card` (the product image beside the
 * content, above it on small screens), `compact` (a small thumbnail beside it) or `banner` (a wide
 * image above it). Without an image, or with a design this extension does not know, the content
 * alone in the page's column.
 */
export function OfferLayout({ offer, children }: { offer: OfferView; children: ReactNode }) {
  const column = [
    { viewportSize: "small" as const, sizes: [1] },
    { viewportSize: "large" as const, sizes: [1] },
  ];
  if (!offer.image)
    return (
      <Layout maxInlineSize={0.95} media={column}>
        {children}
      </Layout>
    );
  if (offer.design === "banner")
    return (
      <Layout maxInlineSize={0.95} media={column}>
        <BlockStack spacing="loose">
          <Image source={offer.image} description={offer.title} aspectRatio={2} fit="contain" bordered />
          {children}
        </BlockStack>
      </Layout>
    );
  if (offer.design === "compact")
    return (
      <Layout maxInlineSize={0.95} sizes={[72, 16, "fill"]}>
        <Image source={offer.image} description={offer.title} aspectRatio={1} fit="cover" bordered />
        <View />
        {children}
      </Layout>
    );
  return (
    <Layout
      media={[
        { viewportSize: "small", sizes: [1, 0, 1], maxInlineSize: 0.9 },
        { viewportSize: "medium", sizes: [0.4, 32, "fill"], maxInlineSize: 0.95 },
        { viewportSize: "large", sizes: [0.4, 32, "fill"], maxInlineSize: 0.95 },
      ]}
    >
      <Image source={offer.image} description={offer.title} aspectRatio={1} fit="cover" bordered />
      <View />
      {children}
    </Layout>
  );
}
