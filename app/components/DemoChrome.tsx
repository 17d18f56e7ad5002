import { NavLink } from "@remix-run/react";
import { Banner, Box, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { AdminKey } from "~/i18n/catalogue";
import { useT } from "~/i18n/context";

// Tabs like the admin's navigation, in Polaris tokens: no underlined links, the current page marked.
const TAB = {
  padding: "6px 10px",
  borderRadius: "var(--p-border-radius-200)",
  color: "var(--p-color-text-secondary)",
  textDecoration: "none",
  fontWeight: 500,
  whiteSpace: "nowrap",
} as const;
const ACTIVE_TAB = {
  color: "var(--p-color-text)",
  background: "var(--p-color-bg-surface-selected)",
  fontWeight: 650,
} as const;

/** `document`: a page outside the Remix app (the demo storefront's theme pages), loaded whole. */
export type DemoLink = { to: string; label: AdminKey; document?: boolean };

/**
 * Demo mode's stand-in for the Shopify admin frame: who you are, where you can go. `aside`: what
 * sits at the end of the bar (the admin's language switch, standing in for the admin's own setting).
 */
export function DemoChrome(props: {
  shopName: string;
  links: ReadonlyArray<DemoLink>;
  aside?: ReactNode;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <div>
      <header>
        <Box background="bg-surface" padding="300" borderBlockEndWidth="025" borderColor="border">
          <InlineStack gap="400" blockAlign="center" wrap={false}>
            <Text as="p" variant="headingMd">
              Moments
            </Text>
            <Text as="p" tone="subdued">
              {props.shopName}
            </Text>
            <nav aria-label="Moments">
              <InlineStack gap="100">
                {props.links.map((l) => (
                  <NavLink
                    key={l.to}
                    to={l.to}
                    end
                    reloadDocument={l.document}
                    prefetch={l.document ? "none" : "intent"}
                    style={({ isActive }) => (isActive ? { ...TAB, ...ACTIVE_TAB } : TAB)}
                  >
                    {t(l.label)}
                  </NavLink>
                ))}
              </InlineStack>
            </nav>
          </InlineStack>
        </Box>
      </header>
      <Box padding="300">
        <InlineStack gap="300" blockAlign="center" wrap={false}>
          <div style={{ flex: 1, minWidth: 0 }}>
            <Banner tone="info">{t("demo.banner")}</Banner>
          </div>
          {props.aside}
        </InlineStack>
      </Box>
      <main>{props.children}</main>
    </div>
  );
}
