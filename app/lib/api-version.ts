/**
 * The one Shopify API version this app speaks: Admin GraphQL, webhooks and UI extensions
 * (the extensions' `api_version`s are checked against it by tests/extensions-build.test.ts).
 * 2026-07 is the extension API the stack decided on; using it for Admin too keeps one constant.
 */
export const SHOPIFY_API_VERSION = "2026-07" as const;
