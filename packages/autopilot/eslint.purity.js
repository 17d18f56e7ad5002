// Purity rules for Autopilot's miner and ranking (decision 029), as packages/engine/eslint.purity.js
// does for the engine: no I/O, no clock, no randomness, no globals, no imports other than the
// engine and relative files. The app streams Shopify's JSONL into it and stores what it returns.
// Spread into the root eslint.config.js.
const impure = "Autopilot's miner and ranking are pure: the app passes data in and stores what comes out.";

/** @type {import("eslint").Linter.Config[]} */
export default [
  {
    files: ["packages/autopilot/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!@moments/engine$|\\.{1,2}/)",
              message: "Autopilot may only import @moments/engine and relative files.",
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
        ].map((name) => ({ name, message: impure })),
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "Pass the time in." },
        { object: "Math", property: "random", message: "No randomness: the same orders give the same suggestions." },
        { object: "performance", property: "now", message: impure },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Pass the time in." },
        { selector: "CallExpression[callee.name='Date']", message: "Date() reads the clock: pass the time in." },
        { selector: "ImportExpression", message: "No dynamic imports in Autopilot." },
        { selector: "NewExpression[callee.name='Function']", message: "No eval in Autopilot." },
      ],
    },
  },
];
