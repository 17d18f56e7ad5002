/**
 * Where the app backend lives. Post-purchase extensions have no settings and no session token, so
 * the URL is fixed at build time: set it to the app's SHOPIFY_APP_URL before `shopify app deploy`.
 */
export const APP_URL = "https://moments.example.com";

