/**
 * The post-purchase extension's bundle, built as Shopify CLI builds it (minified, React 17 + the
 * post-purchase library, React de-duplicated), compressed as served. Baseline, same run: the
 * smallest extension the library allows (one Render with one TextBlock). Budget: Shopify's 64 KB
 * compressed cap per extension script.
 */
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { bundleExtension } from "../extensions/post-purchase/bundle";
import { report } from "./lib/report";

// `npm run bench` runs the bundled file with the repo root as cwd.
const resolveDir = path.join(process.cwd(), "extensions/post-purchase");
const minimal = `import { jsx } from "react/jsx-runtime";
import { render, TextBlock } from "@shopify/post-purchase-ui-extensions-react";
render("Checkout::PostPurchase::Render", () => jsx(TextBlock, { children: "Hello" }));`;

const ours = Buffer.from(await bundleExtension({ minify: true, resolveDir }));
const base = Buffer.from(await bundleExtension({ minify: true, resolveDir, contents: minimal }));
const kb = (n: number) => n / 1024;
const CAP = { limit: 64, kind: "max" as const };

report({ name: "post-purchase bundle gzip", value: kb(gzipSync(ours, { level: 9 }).length), unit: "KB", baseline: { value: kb(gzipSync(base, { level: 9 }).length), label: "minimal React 17 post-purchase bundle gzip" }, budget: CAP });
report({ name: "post-purchase bundle brotli", value: kb(brotliCompressSync(ours).length), unit: "KB", baseline: { value: kb(brotliCompressSync(base).length), label: "minimal React 17 post-purchase bundle brotli" }, budget: CAP });
report({ name: "post-purchase bundle minified", value: kb(ours.length), unit: "KB", baseline: { value: kb(base.length), label: "minimal bundle minified" } });
