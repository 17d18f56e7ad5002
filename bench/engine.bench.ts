/**
 * Offer engine benchmark: 200 offers x 30 cart lines, one moment per decision (as a surface asks).
 * Every figure is printed beside a baseline measured in the same run (see ./lib/report).
 */
import { brotliCompressSync } from "node:zlib";
import { build } from "esbuild";
import { decide, decodePayload, encodePayload, type DecideInput, type MomentId } from "../packages/engine/src/index";
import {
  makeCart,
  makeComplements,
  makeInput,
  makeOffers,
  settings,
  withImages,
} from "../packages/engine/test/fixtures";
import { FUNCTION_PAYLOAD_MAX_BYTES, functionPayloadJson } from "@moments/contracts";
import { percentile, report, sampleMs, sampleMsPaired } from "./lib/report";

// `npm run bench` runs the bundled file from .tmp/bench with the repo root as cwd.
const root = process.cwd();
const N = 20_000;

// --- inputs -----------------------------------------------------------------------------------
const wire = encodePayload(makeOffers(200), settings, 1_700_000_000_000);
const decoded = decodePayload(wire);
if (!decoded.ok) throw new Error(`fixture payload invalid: ${decoded.error.path} ${decoded.error.message}`);
const payload = decoded.payload;
const cart = makeCart(30);
const cartJson = JSON.stringify(cart);
const moments: MomentId[] = ["cart", "checkout", "thank_you", "post_purchase"];
const inputs: DecideInput[] = Array.from({ length: 256 }, (_, i) =>
  makeInput(payload, {
    cart,
    buyerKey: `buyer-${i}`,
    moments: [moments[i % moments.length]!],
    journey: { shown: i % 3 ? [{ offerId: "off_0001", moment: "cart" }] : [], declined: i % 5 ? [] : ["off_0002"] },
  }),
);

// --- latency and throughput -------------------------------------------------------------------
let i = 0;
let sink = 0;
const decideOnce = () => {
  const d = decide(inputs[i++ & 255]!);
  sink += d.moments[0]!.offers.length;
};
const parseOnce = () => {
  sink += (JSON.parse(cartJson) as { lines: unknown[] }).lines.length;
};
const perSecond = (fn: () => void, ms = 500) => {
  for (let k = 0; k < 2000; k++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 100; k++) fn();
    n += 100;
  }
  return (n * 1000) / (performance.now() - t0);
};

const dSamples = sampleMs(decideOnce, N);
const pSamples = sampleMs(parseOnce, N);
const dps = perSecond(decideOnce);
const pps = perSecond(parseOnce);

report({
  name: "engine decisions/s (200 offers x 30 lines)",
  value: dps,
  unit: "ops/s",
  baseline: { value: pps, label: "JSON.parse(cart)" },
});
report({
  name: "engine decide p50",
  value: percentile(dSamples, 50),
  unit: "ms",
  baseline: { value: percentile(pSamples, 50), label: "JSON.parse(cart) p50" },
  budget: { limit: 0.2, kind: "max" },
});
report({
  name: "engine decide p99",
  value: percentile(dSamples, 99),
  unit: "ms",
  baseline: { value: percentile(pSamples, 99), label: "JSON.parse(cart) p99" },
  budget: { limit: 0.2, kind: "max" },
});

// --- worst case: every offer targets the moment and is triggered by the cart -------------------
const stress = decodePayload(
  encodePayload(
    makeOffers(200).map((o) => ({
      ...o,
      moments: ["cart" as const],
      targeting: { ...o.targeting, products: [cart.lines[0]!.productId] },
    })),
    settings,
    1_700_000_000_000,
  ),
);
if (!stress.ok) throw new Error("stress payload invalid");
const stressInputs = inputs.map((inp) => ({ ...inp, payload: stress.payload, moments: ["cart" as const] }));
let j = 0;
const wSamples = sampleMs(() => (sink += decide(stressInputs[j++ & 255]!).moments[0]!.offers.length), N);
report({
  name: "engine decide p99, worst case (all 200 offers eligible at the moment)",
  value: percentile(wSamples, 99),
  unit: "ms",
  baseline: { value: percentile(pSamples, 99), label: "JSON.parse(cart) p99" },
  budget: { limit: 1, kind: "max" },
});

// --- dynamic offers (decision 034): every 10th offer dynamic, the cart's products in the table ----
const table = makeComplements().map((entry, t) =>
  t < cart.lines.length ? { ...entry, productId: cart.lines[t]!.productId } : entry,
);
const dynamicPayload = decodePayload(
  encodePayload(
    makeOffers(200).map((o, k) => (k % 10 ? o : { ...o, type: "dynamic" as const, items: [] })),
    settings,
    1_700_000_000_000,
    table,
  ),
);
if (!dynamicPayload.ok) throw new Error("dynamic payload invalid");
const dynamicInputs = inputs.map((inp) => ({ ...inp, payload: dynamicPayload.payload }));
let k = 0;
const dynSamples = sampleMs(() => (sink += decide(dynamicInputs[k++ & 255]!).moments[0]!.offers.length), N);
report({
  name: "engine decide p99, 20 of 200 offers dynamic (table at its bound)",
  value: percentile(dynSamples, 99),
  unit: "ms",
  baseline: { value: percentile(dSamples, 99), label: "engine decide p99 (no dynamic offer)" },
  budget: { limit: 0.2, kind: "max" },
});

// --- decode latency (once per surface render) -------------------------------------------------
// Paired: one decode and one parse per round, so the ratio compares the same moments of the machine.
const [decSamples, parseWire] = sampleMsPaired(
  () => decodePayload(wire),
  () => JSON.parse(wire),
  2000,
  200,
);
const decodeP50 = percentile(decSamples, 50);
const parseP50 = percentile(parseWire, 50);
report({
  name: "engine decodePayload(200 offers) p50",
  value: decodeP50,
  unit: "ms",
  baseline: { value: parseP50, label: "JSON.parse(payload) p50" },
});
// Machine-independent: decoding (parse + expand + validate) costs at most twice the parse alone.
report({
  name: "engine decodePayload / JSON.parse(payload) p50, same run",
  value: decodeP50 / parseP50,
  unit: "x",
  budget: { limit: 2, kind: "max" },
});

// --- bundle size: what an extension ships (decode + decide) -----------------------------------
async function brotliBundle(contents: string): Promise<number> {
  const out = await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  return brotliCompressSync(out.outputFiles[0]!.contents).length;
}
const engineBytes = await brotliBundle(
  `export { decodePayload, decide, verifyOfferLine } from "./packages/engine/src/index";`,
);
const zodBytes = await brotliBundle(
  `import * as z from "zod/mini"; export const s = z.object({ a: z.string(), b: z.array(z.int()) });`,
);
report({
  name: "engine bundle (decode+decide+verify, esbuild min, brotli)",
  value: engineBytes,
  unit: "B",
  baseline: { value: zodBytes, label: "zod/mini object schema alone" },
  // 8 KB until decision 034 (dynamic offers: +~460 B); 9 KB keeps the checkout block within 16 KB.
  budget: { limit: 9 * 1024, kind: "max" },
});

// --- payload size -----------------------------------------------------------------------------
const payloadBytes = Buffer.byteLength(wire);
report({
  name: "publish payload (200 offers)",
  value: payloadBytes,
  unit: "B",
  baseline: { value: 128 * 1024, label: "metafield JSON limit" },
  budget: { limit: 32 * 1024, kind: "max" },
});

// Every offer with its product's image on Shopify's CDN (decision 024: [folder, file], the shop's
// folder stored once). Budget: the 32 KB above plus 8 KB, about 40 bytes an offer.
const withImagesJson = encodePayload(withImages(makeOffers(200)), settings, 1_700_000_000_000);
report({
  name: "payload for 200 offers with images",
  value: Buffer.byteLength(withImagesJson),
  unit: "B",
  baseline: { value: payloadBytes, label: "publish payload without images" },
  budget: { limit: 40 * 1024, kind: "max" },
});

// The Discount Function's copy (no copy, no design, no image), read in 4 metafields of 10,000 bytes.
report({
  name: "function payload (200 offers)",
  value: Buffer.byteLength(functionPayloadJson(payload)),
  unit: "B",
  baseline: { value: payloadBytes, label: "publish payload" },
  budget: { limit: FUNCTION_PAYLOAD_MAX_BYTES, kind: "max" },
});

// The dynamic offers' complement table (decision 034) at its bound: 50 triggers x 3 complements,
// every one a distinct product with its image (the worst case), published beside the offers.
const complements = makeComplements();
const withTableJson = encodePayload(withImages(makeOffers(200)), settings, 1_700_000_000_000, complements);
report({
  name: "complement table (50 triggers x 3, distinct, images)",
  value: Buffer.byteLength(withTableJson) - Buffer.byteLength(withImagesJson),
  unit: "B",
  baseline: { value: Buffer.byteLength(withImagesJson), label: "payload for 200 offers with images" },
  budget: { limit: 14 * 1024, kind: "max" },
});
const withTable = decodePayload(encodePayload(makeOffers(200), settings, 1_700_000_000_000, complements));
if (!withTable.ok) throw new Error("payload with complement table invalid");
report({
  name: "function payload (200 offers + complement table)",
  value: Buffer.byteLength(functionPayloadJson(withTable.payload)),
  unit: "B",
  baseline: { value: payloadBytes, label: "publish payload" },
  budget: { limit: FUNCTION_PAYLOAD_MAX_BYTES, kind: "max" },
});

if (sink < 0) console.log(sink);
