// Where the running demo is: `npm run demo` records its server's address and database here while
// it runs, and `npm run demo:traffic` reads them, so a demo on another PORT or DATABASE_URL needs
// nothing repeated. The record names the demo's process: one left by a demo that died is ignored.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The record's file (under .tmp/, which git ignores). */
export const demoServerFile = (root) => path.join(root, ".tmp", "demo-server.json");

/** `record`: { url, databaseUrl, pid } of the demo being started. */
export function recordDemoServer(root, record) {
  mkdirSync(path.dirname(demoServerFile(root)), { recursive: true });
  writeFileSync(demoServerFile(root), JSON.stringify(record) + "\n");
}

/** Removes the record if it is still the one of process `pid` (another demo may have started since). */
export function forgetDemoServer(root, pid) {
  if (readRecord(root)?.pid === pid) rmSync(demoServerFile(root), { force: true });
}

/** The running demo's { url, databaseUrl, pid }, or null when none is recorded or it has exited. */
export function runningDemoServer(root) {
  const record = readRecord(root);
  if (!record) return null;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; ESRCH: it has exited.
    if (error?.code !== "EPERM") return null;
  }
  return record;
}

function readRecord(root) {
  let value;
  try {
    value = JSON.parse(readFileSync(demoServerFile(root), "utf8"));
  } catch {
    return null;
  }
  const ok =
    value &&
    typeof value.url === "string" &&
    /^http:\/\/[^/\s]+$/.test(value.url) &&
    typeof value.databaseUrl === "string" &&
    Number.isInteger(value.pid) &&
    value.pid > 0;
  return ok ? { url: value.url, databaseUrl: value.databaseUrl, pid: value.pid } : null;
}
