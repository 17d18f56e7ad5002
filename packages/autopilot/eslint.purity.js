// Purity rules for Autopilot's miner and ranking (decision 029), the engine's rules
// (packages/engine/eslint.purity.js): no I/O, no clock, no randomness, no globals, no imports other
// than the engine and relative files. The app streams Shopify's JSONL into it and stores what it
// returns. Spread into the root eslint.config.js.
import { purityRules } from "../engine/eslint.purity.js";

/** @type {import("eslint").Linter.Config[]} */
export default purityRules({
  name: "Autopilot",
  files: ["packages/autopilot/src/**/*.ts"],
  importRegex: "^(?!@moments/engine$|\\.{1,2}/)",
  importMessage: "Autopilot may only import @moments/engine and relative files.",
  impure: "Autopilot's miner and ranking are pure: the app passes data in and stores what comes out.",
  clock: "Pass the time in.",
  random: "No randomness: the same orders give the same suggestions.",
});
