import { NavLink } from "@remix-run/react";
import { Banner, Box, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

// Tabs like the admin's navigation, in Polaris tokens: no underlined links, the current page marked.
const TAB = {
  padding: "6px 10px",
  borderRadius: "var(--p-border-radius-200)",
  color: "var(--p-color-text-secondary)",
  textDecoration: "none",
  fontWeight: 500,
  whiteSpace: "nowrap",
} as const;
const ACTIVE_TAB = { color: "var(--p-color-text)", background: "var(--p-color-bg-surface-selected)", fontWeight: 650 } as const;

/** Demo mode's stand-in for the Shopify admin frame: who you are, where you can go. */
export function DemoChrome(props: { shopName: string; links: ReadonlyArray<{ to: string; label: string }>; children: ReactNode }) {
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
                  <NavLink key={l.to} to={l.to} end prefetch="intent" style={({ isActive }) => (isActive ? { ...TAB, ...ACTIVE_TAB } : TAB)}>
                    {l.label}
                  </NavLink>
                ))}
              </InlineStack>
            </nav>
          </InlineStack>
        </Box>
      </header>
      <Box padding="300">
        <Banner tone="info">
          Demo mode: a local demo store, no Shopify login. Nothing here reaches a real shop.
        </Banner>
      </Box>
      <main>{props.children}</main>
    </div>
  );
}
