// Purity rules for the offer engine: no I/O, no clock, no randomness, no globals, no imports
// other than zod and relative files. Spread into the root eslint.config.js:
//   import purity from "./packages/engine/eslint.purity.js"; ... export default [...other, ...purity];
const impure = "The offer engine is pure: pass it in through the decision input.";

/** @type {import("eslint").Linter.Config[]} */
export default [
  {
    files: ["packages/engine/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!zod$|zod/mini$|\\.{1,2}/)",
              message: "The engine may only import zod, zod/mini and relative files.",
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
          message: impure,
        })),
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Use input.now (epoch ms)." },
        { object: "Math", property: "random", message: "Use the deterministic hash (assign.ts)." },
        { object: "performance", property: "now", message: impure },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Use input.now (epoch ms)." },
        { selector: "CallExpression[callee.name='Date']", message: "Date() reads the clock: use input.now." },
        { selector: "ImportExpression", message: "No dynamic imports in the engine." },
        { selector: "NewExpression[callee.name='Function']", message: "No eval in the engine." },
      ],
    },
  },
];
