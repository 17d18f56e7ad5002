// Import boundaries between the app and its surfaces. Spread into eslint.config.js.
// - App and package code never imports from extensions/**: what both sides use lives in a package
//   (@moments/contracts for shapes, @moments/surfaces for the surfaces' framework-free core,
//   @moments/engine for decisions). The one exception is an extension's translations
//   (extensions/*/locales/*.json), which Shopify requires to live in the extension and the demo
//   journey renders as the checkout block does.
// - @moments/contracts is types and constants every surface imports: it imports only the engine.
// The engine has its own, stricter rules (packages/engine/eslint.purity.js).
const fromExtensions = {
  regex: "(^|/)extensions/(?![^/]+/locales/[^/]+\\.json$)",
  message:
    "App and package code must not import from extensions/**: move the shared code to packages/ (contracts, surfaces or engine).",
};

/** @type {import("eslint").Linter.Config[]} */
export default [
  {
    files: ["app/**/*.{ts,tsx,js,mjs}", "packages/**/*.{ts,tsx,js,mjs}", "server.mjs"],
    // The engine and Autopilot have stricter rules of their own (their eslint.purity.js).
    ignores: ["packages/engine/**", "packages/contracts/**", "packages/autopilot/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [fromExtensions] }] },
  },
  {
    files: ["packages/contracts/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            fromExtensions,
            {
              regex: "^(?!@moments/engine$|\\.{1,2}/)",
              message: "@moments/contracts imports only @moments/engine and its own files.",
            },
          ],
        },
      ],
    },
  },
];
