import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The PostgreSQL twin of prisma.config.ts, used by scripts/prisma-postgres.mjs only: the schema is
// the copy of prisma/schema with provider "postgresql" (docs/decisions/002-database.md).
process.env.DATABASE_URL ??= "postgresql://localhost/moments";

export default defineConfig({
  schema: path.join(".tmp", "prisma-postgres", "schema"),
  migrations: { path: path.join("prisma", "postgres") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL! });
  },
});
