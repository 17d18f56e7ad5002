import { BlockStack, Card, Select, Text } from "@shopify/polaris";
import { MOMENTS } from "@moments/engine";
import type { DownsellChoice } from "~/offers/form";
import type { CardProps } from "./types";

const NONE = "";

/** "When declined, show": the shop's offer shown in this one's place after a "no" (decision 027). */
export function DownsellCard({ form, errors, fields, choices }: CardProps & { choices: readonly DownsellChoice[] }) {
  const shared = (c: DownsellChoice) => c.moments.some((m) => form.moments.includes(m));
  const options = [
    { value: NONE, label: "Nothing: the next offer, if any" },
    ...choices.map((c) => ({
      value: c.id,
      label: `${c.name}${c.status === "active" ? "" : ` (${c.status})`}${shared(c) ? "" : " (runs at other moments)"}`,
    })),
  ];
  // A link to an offer that is no longer a choice (archived since) stays visible until changed.
  if (form.downsell && !choices.some((c) => c.id === form.downsell))
    options.push({ value: form.downsell, label: "An archived or deleted offer" });
  const chosen = choices.find((c) => c.id === form.downsell);
  return (
    <Card>
      <div data-testid="downsell-card">
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Downsell
          </Text>
          <Select
            label="When declined, show"
            options={options}
            value={form.downsell}
            onChange={(v) => fields.set("downsell", v)}
            error={errors.downsell}
            helpText={
              chosen
                ? `When a buyer declines this offer, “${chosen.name}” takes its place at the same moment (${form.moments
                    .filter((m) => chosen.moments.includes(m))
                    .map((m) => MOMENTS.find((x) => x.id === m)?.label ?? m)
                    .join(", ")}). It is a downsell only: it never shows on its own.`
                : "A cheaper or smaller offer to show in this one's place when the buyer says no. The offer you pick then only shows after that decline."
            }
          />
        </BlockStack>
      </div>
    </Card>
  );
}
