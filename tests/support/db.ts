import { copyFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "~/db.server";
import { OUTPUT, TEMPLATE_DB } from "./paths";

export interface TestDatabase {
  url: string;
  file: string;
  prisma: PrismaClient;
}

/** A fresh, migrated SQLite file of its own (a copy of the run's template database). */
export function freshDatabase(label = "test"): TestDatabase {
  const file = path.join(OUTPUT, "db", `${label}-${process.pid}-${randomUUID().slice(0, 8)}.db`);
  copyFileSync(TEMPLATE_DB, file);
  const url = `file:${file}`;
  return { url, file, prisma: createPrisma(url) };
}
