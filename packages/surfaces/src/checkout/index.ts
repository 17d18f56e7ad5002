// The checkout, thank-you and order-status blocks' core, free of Preact and of the `shopify`
// global (reached only through `host()`): extensions/checkout-upsell wraps it in UI; the admin's
// demo journey and demo traffic run the same code.
export * from "./events";
export * from "./facts";
export * from "./host";
export * from "./journey";
export * from "./offers";
export * from "./pins";
export * from "./thank-you";
