/**
 * GraphQL codegen for the Admin API documents (`#graphql` tagged strings under app/), typed against
 * the Admin schema for the app's API version as shipped, offline, by @shopify/dev-mcp. The preset's
 * default would download the schema from shopify.dev; here it is unpacked from the npm package into
 * .tmp/ (git-ignored) when the config loads. Run: `npm run graphql-codegen`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { ApiType, pluckConfig, preset } from "@shopify/api-codegen-preset";
import { SHOPIFY_API_VERSION } from "./app/lib/api-version";

export const ADMIN_SCHEMA_GZ = `node_modules/@shopify/dev-mcp/dist/data/admin_${SHOPIFY_API_VERSION}.json.gz`;
export const ADMIN_SCHEMA = `.tmp/graphql/admin-${SHOPIFY_API_VERSION}.schema.json`;

if (!existsSync(ADMIN_SCHEMA)) {
  mkdirSync(path.dirname(ADMIN_SCHEMA), { recursive: true });
  writeFileSync(ADMIN_SCHEMA, gunzipSync(readFileSync(ADMIN_SCHEMA_GZ)));
}

const documents = ["./app/**/*.{ts,tsx}", "!./app/graphql/**"];

export default {
  schema: ADMIN_SCHEMA,
  documents,
  projects: {
    default: {
      schema: ADMIN_SCHEMA,
      documents,
      extensions: {
        codegen: {
          pluckConfig,
          generates: {
            "./app/graphql/admin.types.d.ts": {
              plugins: ["typescript"],
              config: { defaultScalarType: "string", scalars: { JSON: "unknown" }, enumsAsTypes: true },
            },
            "./app/graphql/admin.generated.d.ts": {
              preset,
              presetConfig: { apiType: ApiType.Admin },
            },
          },
        },
      },
    },
  },
};
