import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import enginePurity from "./packages/engine/eslint.purity.js";
import autopilotPurity from "./packages/autopilot/eslint.purity.js";
import boundaries from "./eslint.boundaries.js";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      ".tmp/**",
      "**/dist/**",
      "prisma/demo-outbox/**",
      "node_modules/**",
      "tests/.output/**",
      "extensions/*/dist/**",
      "extensions/**/assets/*.js",
      ".shopify/**",
      "**/*.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  ...enginePurity,
  ...autopilotPurity,
  ...boundaries,
);
