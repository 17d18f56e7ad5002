import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Database from "libsql";
import { buildSync } from "esbuild";
import { describe, expect, test } from "vitest";
import { createPrisma } from "~/db.server";
import {
  BUSY_INTERVAL_MS,
  IDLE_INTERVAL_MS,
  NEAR_INTERVAL_MS,
  NEAR_SHARE,
  startCheckpointer,
  WAL_AUTOCHECKPOINT_PAGES,
} from "~/lib/sqlite-checkpointer.server";
import { OUTPUT, TEMPLATE_DB } from "./support/paths";

// SQLite's WAL checkpoints in a worker thread (app/lib/sqlite-checkpointer.server.ts, decision
// 037): the pages a writer commits reach the database file without the writer copying them.

const dir = path.join(OUTPUT, "db");
const newFile = (label: string) => {
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${label}-${process.pid}-${randomUUID().slice(0, 8)}.db`);
};
const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A WAL database whose writer never checkpoints by itself; `write` commits about `pages` pages. */
function writer(file: string) {
  const db = new Database(file);
  for (const pragma of ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=0"])
    db.prepare(pragma).all();
  db.prepare("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)").run();
  const insert = db.prepare("INSERT INTO t (body) VALUES (?)");
  return {
    db,
    write(pages: number) {
      db.prepare("BEGIN IMMEDIATE").run();
      for (let i = 0; i < pages; i++) insert.run("x".repeat(3_000));
      db.prepare("COMMIT").run();
    },
  };
}

describe("SQLite checkpoints off the request thread", () => {
  test("GIVEN a writer that never checkpoints WHEN it commits 500 pages THEN the worker copies them into the database file", async () => {
    const file = newFile("checkpoint");
    const w = writer(file);
    const before = statSync(file).size;
    const checkpointer = startCheckpointer(file);
    try {
      w.write(500);
      await until(() => checkpointer.stats().framesCopied >= 500);
      expect(statSync(file).size - before).toBeGreaterThan(500 * 3_000);
      expect(checkpointer.stats().lastError).toBeNull();
    } finally {
      await checkpointer.stop();
      w.db.close();
    }
  });

  test("GIVEN a WAL past 70% of the writer's autocheckpoint WHEN the writer keeps committing THEN the worker looks every 10 ms (200 ms below it) until the writer has been idle 20 looks", async () => {
    const file = newFile("checkpoint-near");
    const w = writer(file);
    const checkpointer = startCheckpointer(file);
    try {
      w.write(500);
      await until(() => checkpointer.stats().framesCopied >= 500);
      expect(checkpointer.stats().intervalMs).toBe(BUSY_INTERVAL_MS);
      w.write(Math.ceil(WAL_AUTOCHECKPOINT_PAGES * NEAR_SHARE));
      await until(() => checkpointer.stats().intervalMs === NEAR_INTERVAL_MS);
      // Under load commits come a few ms apart: a few looks that find nothing new keep the pace.
      await new Promise((r) => setTimeout(r, 5 * NEAR_INTERVAL_MS));
      expect(checkpointer.stats().intervalMs).toBe(NEAR_INTERVAL_MS);
      // A writer that stopped: the worker goes back to its idle pace.
      await until(() => checkpointer.stats().intervalMs === IDLE_INTERVAL_MS, 2_000);
      expect(checkpointer.stats().lastError).toBeNull();
    } finally {
      await checkpointer.stop();
      w.db.close();
    }
  });

  test("GIVEN a stopped checkpointer WHEN the writer commits more THEN nothing copies it", async () => {
    const file = newFile("checkpoint-stop");
    const w = writer(file);
    const checkpointer = startCheckpointer(file);
    await checkpointer.stop();
    const before = statSync(file).size;
    const copied = checkpointer.stats().framesCopied;
    w.write(200);
    // Longer than the worker's longest wait: a worker still running would have copied by now.
    await new Promise((r) => setTimeout(r, IDLE_INTERVAL_MS + BUSY_INTERVAL_MS + 300));
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(200 * 3_000);
    expect(statSync(file).size).toBe(before);
    expect(checkpointer.stats().framesCopied).toBe(copied);
    w.db.close();
  });

  test("GIVEN a running checkpointer WHEN the process has nothing else to do THEN it exits (the worker never holds it)", () => {
    const file = newFile("checkpoint-exit");
    writer(file).db.close();
    const bundle = path.join(dir, `checkpointer-${process.pid}.mjs`);
    buildSync({
      entryPoints: [path.resolve("app/lib/sqlite-checkpointer.server.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
    });
    const script = path.join(dir, `exit-${process.pid}.mjs`);
    writeFileSync(
      script,
      `import { startCheckpointer } from ${JSON.stringify(bundle)};\nstartCheckpointer(${JSON.stringify(file)});\nconsole.log("started");\n`,
    );
    // The bundle resolves libsql from its own folder: run it from the repository's node_modules.
    const run = spawnSync(process.execPath, [script], {
      timeout: 10_000,
      encoding: "utf8",
      cwd: process.cwd(),
      env: { ...process.env, NODE_PATH: path.resolve("node_modules") },
    });
    expect(run.stdout).toContain("started");
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  });

  test("GIVEN a database file the worker cannot open WHEN it starts THEN the error is reported and the caller goes on", async () => {
    const errors: string[] = [];
    const checkpointer = startCheckpointer(path.join(dir, "no-such-dir", "x.db"), (m) => errors.push(m));
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/SQLite background checkpoint/);
    await checkpointer.stop();
  });

  test("GIVEN the app's client with background checkpoints WHEN it stores rows THEN they reach the database file before the writer's own autocheckpoint (10,000 pages) could have run", async () => {
    const file = newFile("checkpoint-app");
    copyFileSync(TEMPLATE_DB, file);
    const prisma = createPrisma(`file:${file}`, 10, { backgroundCheckpoint: true });
    try {
      const before = statSync(file).size;
      await prisma.shop.create({
        data: { domain: "checkpoint.myshopify.com", name: "C".repeat(200_000), currency: "EUR" },
      });
      // 50 pages or so, far below the writer's threshold: only the worker copies them.
      await until(() => statSync(file).size - before > 150_000);
    } finally {
      await prisma.$disconnect();
    }
  });
});
