import { decide, decodePayload, encodePayload } from "../packages/engine/src/index";
import { makeCart, makeInput, makeOffers, settings } from "../packages/engine/test/fixtures";
import { percentile, sampleMs } from "./lib/report";
const d = decodePayload(encodePayload(makeOffers(200), settings, 1_700_000_000_000)); if (!d.ok) throw 0;
const cart = makeCart(30);
for (const m of ["cart", "checkout", "thank_you", "post_purchase"] as const) {
  const inputs = Array.from({ length: 256 }, (_, i) => makeInput(d.payload, { cart, buyerKey: "b" + i, moments: [m] }));
  let i = 0; const s = sampleMs(() => decide(inputs[i++ & 255]!), 20000);
  const r = decide(inputs[0]!).moments[0]!;
  const c: Record<string, number> = {}; for (const e of r.excluded) c[e.reason] = (c[e.reason] ?? 0) + 1;
  console.log(m, percentile(s, 50).toFixed(4), percentile(s, 99).toFixed(4), percentile(s, 99.9).toFixed(4), r.offers.length, JSON.stringify(c));
}
