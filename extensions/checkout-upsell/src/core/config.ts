/**
 * The app backend that receives events. Overridden per placement by the extension setting
 * `app_url`; this default is the app's `application_url` from shopify.app.toml and is rewritten
 * by the deploy step for a real app (the CLI's bundler has no build-time env for extensions).
 */
export const APP_URL = "https://example.com";
