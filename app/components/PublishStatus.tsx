import { Banner, Text } from "@shopify/polaris";
import { useT } from "~/i18n/context";

/** When the shop's offers were last published to Shopify (or the demo store), or why not; the stamp in ISO 8601, read alike in every language. */
export function PublishStatus(props: { publishedAt: string | null; publishError: string | null }) {
  const t = useT();
  if (props.publishError) {
    return (
      <Banner tone="critical" title={t("publish.notLiveTitle")}>
        <p>{props.publishError}</p>
      </Banner>
    );
  }
  return (
    <Text as="p" tone="subdued">
      <span data-testid="published-at">
        {props.publishedAt
          ? t("publish.publishedAt", {
              when: `${new Date(props.publishedAt).toISOString().replace("T", " ").slice(0, 19)} UTC`,
            })
          : t("publish.never")}
      </span>
    </Text>
  );
}
