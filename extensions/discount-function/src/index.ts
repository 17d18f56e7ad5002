// Entry for the Shopify CLI's JavaScript function build (javy): the export name in the toml maps
// to this function.
export { cartLinesDiscountsGenerateRun } from "./run";
