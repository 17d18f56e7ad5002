import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { TEST_API_SECRET } from "./support/server";
import { parsedOrder, schedule, seedEmailShop, startSmtp } from "./email.fixtures";

/**
 * The outbox worker as a child process (scripts/email-worker.mjs), SIGKILLed mid-batch and
 * restarted: what reaches the SMTP server is counted by Message-ID. docs/email.md explains why
 * the kill points below are the ones that matter, and the one window that stays at-least-once.
 */
const SHOP = "crash-store.myshopify.com";
const DUE = 30;
const HOUR = 3_600_000;
const SCRIPT = path.join(ROOT, "scripts/email-worker.mjs");

let db: TestDatabase;

beforeAll(() => {
  execFileSync(process.execPath, [SCRIPT, "--build-only"], { cwd: ROOT, env: { ...process.env }, stdio: "inherit" });
});
afterAll(async () => {
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  await db?.prisma.$disconnect();
  db = freshDatabase("email-crash");
  const { shop } = await seedEmailShop(db.prisma, SHOP, { isDemo: true });
  const past = new Date(Date.now() - 73 * HOUR);
  for (let i = 0; i < DUE; i++) {
    await schedule(db.prisma, shop, parsedOrder(SHOP, { id: 10_000 + i, email: `buyer${i}@example.com`, customerId: 20_000 + i }), past);
  }
});

interface Worker {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

function startWorker(smtpUrl: string, extra: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, [SCRIPT, "--no-build"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      MOMENTS_TEST_SLOT: process.env.MOMENTS_TEST_SLOT ?? "",
      DATABASE_URL: db.url,
      SMTP_URL: smtpUrl,
      SHOPIFY_APP_URL: "https://moments.test",
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      EMAIL_BATCH: "10",
      EMAIL_LEASE_MS: "1500",
      EMAIL_POLL_MS: "100",
      EMAIL_UNTIL_IDLE: "1",
      ...extra,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output };
}

async function expectEveryMessageOnce(received: Array<{ messageId: string }>) {
  const rows = await db.prisma.outboxMessage.findMany();
  expect(rows).toHaveLength(DUE);
  expect(rows.every((r) => r.status === "sent")).toBe(true);
  const ids = received.map((m) => m.messageId);
  expect(new Set(ids).size).toBe(DUE);
  expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.messageId)));
  expect(ids).toHaveLength(DUE); // no duplicate at all
}

describe("crash and restart of the outbox worker (child process, SIGKILL)", () => {
  it("GIVEN the worker is killed while the 12th message is in flight (DATA not yet accepted) WHEN restarted THEN every due message arrives exactly once", async () => {
    let first: Worker | undefined;
    const smtp = await startSmtp({
      async onData(n) {
        if (n !== 12 || !first) return;
        first.child.kill("SIGKILL");
        await first.exited;
        return new Error("connection lost");
      },
    });
    try {
      first = startWorker(smtp.url);
      expect((await first.exited).signal, first.output()).toBe("SIGKILL");
      expect(smtp.received).toHaveLength(11);
      expect(await db.prisma.outboxMessage.count({ where: { status: "sending" } })).toBeGreaterThan(0); // claims left behind
      const second = startWorker(smtp.url);
      const done = await second.exited;
      expect(done.code, second.output()).toBe(0);
      await expectEveryMessageOnce(smtp.received);
    } finally {
      await smtp.close();
    }
  });

  it("GIVEN the worker is killed between two messages (after the 11th was recorded sent) WHEN restarted THEN every due message arrives exactly once", async () => {
    let first: Worker | undefined;
    const smtp = await startSmtp({
      async onMailFrom(n) {
        if (n !== 12 || !first) return;
        first.child.kill("SIGKILL");
        await first.exited;
      },
    });
    try {
      first = startWorker(smtp.url);
      expect((await first.exited).signal, first.output()).toBe("SIGKILL");
      expect(smtp.received).toHaveLength(11);
      expect(await db.prisma.outboxMessage.count({ where: { status: "sent" } })).toBe(11);
      const second = startWorker(smtp.url);
      expect((await second.exited).code, second.output()).toBe(0);
      await expectEveryMessageOnce(smtp.received);
    } finally {
      await smtp.close();
    }
  });

  it("GIVEN the worker dies after the server accepted the 5th message but before recording it WHEN restarted THEN that one message arrives twice with the same Message-ID (the documented at-least-once window) and all others once", async () => {
    const smtp = await startSmtp();
    try {
      const first = startWorker(smtp.url, { EMAIL_CRASH_AFTER_ACCEPT: "5" });
      expect((await first.exited).signal, first.output()).toBe("SIGKILL");
      const second = startWorker(smtp.url);
      expect((await second.exited).code, second.output()).toBe(0);
      const ids = smtp.received.map((m) => m.messageId);
      expect(ids).toHaveLength(DUE + 1);
      expect(new Set(ids).size).toBe(DUE);
      const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(duplicated).toEqual([ids[4]]);
      const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { messageId: ids[4] } });
      expect(row).toMatchObject({ status: "sent", attempts: 2 });
      expect(await db.prisma.outboxMessage.count({ where: { status: "sent" } })).toBe(DUE);
    } finally {
      await smtp.close();
    }
  });
});
