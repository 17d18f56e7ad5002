import { Banner, Text } from "@shopify/polaris";

/** When the shop's offers were last published to Shopify (or the demo store), or why not. */
export function PublishStatus(props: { publishedAt: string | null; publishError: string | null }) {
  if (props.publishError) {
    return (
      <Banner tone="critical" title="Your latest changes are not live">
        <p>{props.publishError}</p>
      </Banner>
    );
  }
  return (
    <Text as="p" tone="subdued">
      <span data-testid="published-at">
        {props.publishedAt
          ? `Published ${new Date(props.publishedAt).toISOString().replace("T", " ").slice(0, 19)} UTC`
          : "Not published yet"}
      </span>
    </Text>
  );
}
