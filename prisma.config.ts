import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

// Prisma in its JS engine mode: no downloaded engine binaries (docs/decisions/002-database.md).
// The CLI needs a resolvable DATABASE_URL even for `generate`, so default to the dev file.
process.env.DATABASE_URL ??= "file:./prisma/dev.db";

export default defineConfig({
  // A folder: each feature keeps its models in its own file (prisma/schema/README.md).
  schema: path.join("prisma", "schema"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaLibSQL({ url: process.env.DATABASE_URL! });
  },
});
