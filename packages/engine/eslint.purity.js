// Purity rules for the offer engine: no I/O, no clock, no randomness, no globals, no imports
// other than zod and relative files. Spread into the root eslint.config.js:
//   import purity from "./packages/engine/eslint.purity.js"; ... export default [...other, ...purity];
/**
 * The purity rules for one pure package, also used by packages/autopilot/eslint.purity.js.
 * @param {{ name: string, files: string[], importRegex: string, importMessage: string, impure: string, clock: string, random: string }} o
 * @returns {import("eslint").Linter.Config[]}
 */
export function purityRules(o) {
  return [
    {
      files: o.files,
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              {
                regex: o.importRegex,
                message: o.importMessage,
              },
            ],
          },
        ],
        "no-restricted-globals": [
          "error",
          ...[
            "process",
            "fetch",
            "globalThis",
            "window",
            "self",
            "global",
            "console",
            "require",
            "module",
            "Buffer",
            "setTimeout",
            "setInterval",
            "setImmediate",
            "queueMicrotask",
            "performance",
            "crypto",
            "localStorage",
            "sessionStorage",
            "document",
            "navigator",
            "XMLHttpRequest",
            "WebSocket",
            "Intl",
            "eval",
          ].map((name) => ({
            name,
            message: o.impure,
          })),
        ],
        "no-restricted-properties": [
          "error",
          { object: "Date", property: "now", message: o.clock },
          { object: "Math", property: "random", message: o.random },
          { object: "performance", property: "now", message: o.impure },
        ],
        "no-restricted-syntax": [
          "error",
          { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: o.clock },
          { selector: "CallExpression[callee.name='Date']", message: `Date() reads the clock: ${o.clock}` },
          { selector: "ImportExpression", message: `No dynamic imports in ${o.name}.` },
          { selector: "NewExpression[callee.name='Function']", message: `No eval in ${o.name}.` },
        ],
      },
    },
  ];
}

/** @type {import("eslint").Linter.Config[]} */
export default purityRules({
  name: "the engine",
  files: ["packages/engine/src/**/*.ts"],
  importRegex: "^(?!zod$|zod/mini$|\\.{1,2}/)",
  importMessage: "The engine may only import zod, zod/mini and relative files.",
  impure: "The offer engine is pure: pass it in through the decision input.",
  clock: "Use input.now (epoch ms).",
  random: "Use the deterministic hash (assign.ts).",
});
