/**
 * SQLite's WAL checkpoints off the request thread (docs/decisions/037-sqlite-background-checkpoint.md).
 * libsql runs statements synchronously, so the commit that crosses `wal_autocheckpoint` copied
 * 10,000 pages into the database file while every request waited: a 40 ms stall about once a
 * second under load, the whole p99 of the event hot path. Here a worker thread with its own
 * connection runs PASSIVE checkpoints (they never wait for, or block, the writer) as the WAL grows;
 * the writer's own autocheckpoint stays as the bound on the WAL and, when it fires, finds the
 * frames already copied: it only resets the WAL.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface CheckpointerStats {
  /** WAL frames the worker copied into the database file. */
  framesCopied: number;
  /** The last error the worker met (it keeps going: the writer's autocheckpoint still bounds the WAL). */
  lastError: string | null;
  /** How long the worker waits before its next look (ms): near the writer's autocheckpoint, NEAR_INTERVAL_MS. */
  intervalMs: number;
}

export interface Checkpointer {
  stats(): CheckpointerStats;
  /** Ends the worker and its connection (the client closing its database). */
  stop(): Promise<void>;
}

/** How often the worker looks while it copies (the WAL grows) and while there is nothing to copy. */
export const BUSY_INTERVAL_MS = 200;
export const IDLE_INTERVAL_MS = 500;
/**
 * The writer's `wal_autocheckpoint` (pages). Once the WAL holds NEAR_SHARE of it, the worker looks
 * every NEAR_INTERVAL_MS, so that the commit which crosses it finds nearly every frame copied
 * (decision 043): at 200 ms, that commit still copied and synced up to 200 ms of frames, 15-17 ms
 * every 0.8 s under the bench's load.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;
export const NEAR_SHARE = 0.7;
export const NEAR_INTERVAL_MS = 10;
const NEAR_IDLE_LOOKS = 20;

// CommonJS, run by the worker with `eval`: no file to ship beside the server build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const db = new Database(workerData.file);
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
checkpoint.raw(true);
let lastLog = 0;
let lastDone = 0;
let lastNext = 0;
let idleLooks = 0;
let timer;
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
const tick = () => {
  let copied = 0;
  try {
    const [[busy, log, done]] = checkpoint.all();
    // busy: another connection was checkpointing (the writer's own autocheckpoint); nothing known.
    if (!busy && done >= 0) {
      // Both count from the WAL's start, which the writer resets once everything was copied.
      copied = log < lastLog || done < lastDone ? done : done - lastDone;
      lastLog = log;
      lastDone = done;
    }
    // Near the writer's autocheckpoint a look that found nothing new is no sign of an idle writer
    // (commits come every few ms): only NEAR_IDLE_LOOKS of them in a row are.
    idleLooks = copied > 0 ? 0 : idleLooks + 1;
    const near = lastLog >= workerData.nearFrames && idleLooks < workerData.nearIdleLooks;
    const next = near ? workerData.nearMs : copied > 0 ? workerData.busyMs : workerData.idleMs;
    if (copied > 0 || next !== lastNext) parentPort.postMessage({ copied, next });
    lastNext = next;
    timer = setTimeout(tick, next);
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
    timer = setTimeout(tick, workerData.idleMs);
  }
};
tick();
`;

/** Starts the worker for the database file at `file` (a WAL-mode database the caller writes). */
export function startCheckpointer(file: string, onError: (message: string) => void = console.error): Checkpointer {
  const stats: CheckpointerStats = { framesCopied: 0, lastError: null, intervalMs: 0 };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      libsql: createRequire(import.meta.url).resolve("libsql"),
      file,
      busyMs: BUSY_INTERVAL_MS,
      idleMs: IDLE_INTERVAL_MS,
      nearMs: NEAR_INTERVAL_MS,
      nearIdleLooks: NEAR_IDLE_LOOKS,
      nearFrames: Math.floor(WAL_AUTOCHECKPOINT_PAGES * NEAR_SHARE),
    },
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const report = (message: string) => {
    // Once per distinct error, and again after the worker recovered from it.
    if (message !== stats.lastError) onError(message);
    stats.lastError = message;
  };
  worker.on("message", (m: { copied?: number; next?: number; error?: string }) => {
    if (m.error !== undefined) return report(`SQLite background checkpoint: ${m.error}`);
    stats.lastError = null;
    stats.framesCopied += m.copied ?? 0;
    stats.intervalMs = m.next ?? stats.intervalMs;
  });
  worker.on("error", (error) => report(`SQLite background checkpoint stopped: ${error.message}`));
  // After the listeners: adding one to an unref'd worker refs it again. Never what keeps the process alive.
  worker.unref();
  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      worker.postMessage("stop");
      // A timer that holds the event loop: the worker is unref'd, so its exit alone would not.
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timeout = setTimeout(resolve, 1_000)))]);
      clearTimeout(timeout);
      await worker.terminate();
    },
  };
}
