import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "~/db.server";
// Plain ESM scripts, shared with the command line (scripts/migrate-postgres.mjs, prisma-postgres.mjs).
import { startPostgresCluster } from "../../scripts/lib/postgres-cluster.mjs";
import { migratePostgres } from "../../scripts/migrate-postgres.mjs";

export interface PostgresCluster {
  port: number;
  urlFor: (db: string) => string;
  createDatabase: (name: string) => Promise<string>;
  stop: () => void;
}

export interface PostgresDatabase {
  url: string;
  prisma: PrismaClient;
}

/**
 * A throwaway PostgreSQL server for one test file (initdb in a temp folder, as `postgres` when the
 * tests run as root). Rejects with a clear message when PostgreSQL is not installed: the
 * PostgreSQL tests fail then, they never skip (CI installs it, .ci/run).
 */
export async function startPostgres(): Promise<PostgresCluster> {
  try {
    return (await startPostgresCluster()) as PostgresCluster;
  } catch (error) {
    throw new Error(`Could not start a PostgreSQL server for the PostgreSQL tests: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A new database in the cluster with every prisma/postgres migration applied, and a client on it. */
export async function freshPostgresDatabase(cluster: PostgresCluster, label = "test"): Promise<PostgresDatabase> {
  const url = await cluster.createDatabase(`${label}_${randomUUID().slice(0, 8)}`.replace(/[^a-z0-9_]/gi, "_").toLowerCase());
  await migratePostgres(url, { log: () => undefined });
  return { url, prisma: createPrisma(url) };
}
