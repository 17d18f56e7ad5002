// Entry for the Shopify CLI's JavaScript function build (javy): the export name in the toml maps
// to this function. Its logic is packages/surfaces/src/discount (the admin's demo runs it too).
export { cartLinesDiscountsGenerateRun } from "@moments/surfaces/discount";
