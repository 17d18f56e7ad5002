/**
 * Where the app backend lives. Post-purchase extensions have no settings and no session token, so
 * the URL is fixed at build time: `npm run deploy` writes SHOPIFY_APP_URL here first
 * (scripts/sync-app-url.mjs) and refuses to deploy without it.
 */
export const APP_URL = "https://moments.example.com";
