import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { useFormat, useT } from "~/i18n/context";
import type { AdminT } from "~/i18n/catalogue";
import { loserEvidenceText, pauseEvidenceText, type LoserEvidence, type PauseEvidence } from "./evidence";

/** The serialized notice the loaders return (guardrailNotices). */
export interface NoticeView {
  id: string;
  offerId: string;
  kind: "paused" | "archive_proposed" | "archived";
  evidence: PauseEvidence | LoserEvidence;
  emailStatus: string;
  emailTo: string | null;
  emailError?: string | null;
}

function emailLine(t: AdminT, n: NoticeView): string {
  if (n.emailStatus === "sent") return t("guardrail.emailSent", { email: n.emailTo ?? "" });
  if (n.emailStatus === "no_address") return t("guardrail.emailNoAddress");
  if (n.emailStatus === "no_transport") return t("guardrail.emailNoTransport", { email: n.emailTo ?? "" });
  if (n.emailStatus === "failed")
    return t("guardrail.emailFailed", { email: n.emailTo ?? "", error: n.emailError ?? "" });
  return t("guardrail.emailPending");
}

/**
 * What the daily guardrail did to an offer, with its evidence (offer page and experiments page).
 * A proposal to archive carries the two buttons when `actions` (the experiments page's action
 * handles the intents `guardrailArchive` and `guardrailDismiss`).
 */
export function GuardrailNotice({ n, name, actions }: { n: NoticeView; name: string; actions?: boolean }) {
  const t = useT();
  const format = useFormat();
  const paused = n.kind === "paused";
  const title = paused
    ? t("guardrail.pausedTitle")
    : n.kind === "archived"
      ? t("guardrail.archivedTitle")
      : t("guardrail.proposedTitle");
  const body = paused
    ? t("guardrail.pausedBody", { name })
    : n.kind === "archived"
      ? t("guardrail.archivedBody", { name })
      : t("guardrail.proposedBody", { name });
  const evidence = paused
    ? pauseEvidenceText(t, n.evidence as PauseEvidence, format)
    : loserEvidenceText(t, n.evidence as LoserEvidence, format);
  return (
    <Banner tone={paused ? "critical" : "warning"} title={title}>
      <BlockStack gap="200">
        <Text as="p">{body}</Text>
        <Text as="p" fontWeight="semibold">
          {evidence}
        </Text>
        {paused ? <Text as="p">{t("guardrail.pausedNext")}</Text> : null}
        <Text as="p" tone="subdued">
          {emailLine(t, n)}
        </Text>
        {n.kind === "archive_proposed" && actions ? (
          <InlineStack gap="200">
            <Form method="post" action="/app/experiments">
              <input type="hidden" name="intent" value="guardrailArchive" />
              <input type="hidden" name="noticeId" value={n.id} />
              <input type="hidden" name="offerId" value={n.offerId} />
              <Button submit tone="critical">
                {t("guardrail.archive")}
              </Button>
            </Form>
            <Form method="post" action="/app/experiments">
              <input type="hidden" name="intent" value="guardrailDismiss" />
              <input type="hidden" name="noticeId" value={n.id} />
              <Button submit variant="plain">
                {t("guardrail.dismiss")}
              </Button>
            </Form>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Banner>
  );
}
