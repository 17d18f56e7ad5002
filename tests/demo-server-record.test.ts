/**
 * How `npm run demo:traffic` finds the running demo (scripts/lib/demo-server.mjs): `npm run demo`
 * records its address, database and process while it runs; a record of a demo that has exited,
 * or a malformed one, is no demo.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoServerFile, forgetDemoServer, recordDemoServer, runningDemoServer } from "../scripts/lib/demo-server.mjs";

const freshRoot = () => mkdtempSync(path.join(tmpdir(), "moments-demo-record-"));
/** The id of a process that has exited. */
const exitedPid = () => spawnSync(process.execPath, ["-e", "process.pid"]).pid!;

describe("the running demo's record", () => {
  it("GIVEN a demo on port 4000 with its own database WHEN recorded THEN demo:traffic reads both while the demo runs", () => {
    const root = freshRoot();
    const record = { url: "http://127.0.0.1:4000", databaseUrl: "file:/tmp/other-demo.db", pid: process.pid };
    recordDemoServer(root, record);
    expect(runningDemoServer(root)).toEqual(record);
  });

  it("GIVEN the recorded demo has exited WHEN read THEN there is no running demo", () => {
    const root = freshRoot();
    recordDemoServer(root, { url: "http://127.0.0.1:4000", databaseUrl: "file:/tmp/x.db", pid: exitedPid() });
    expect(runningDemoServer(root)).toBeNull();
  });

  it("GIVEN no record, or a malformed one WHEN read THEN there is no running demo", () => {
    const root = freshRoot();
    expect(runningDemoServer(root)).toBeNull();
    recordDemoServer(root, { url: "http://127.0.0.1:4000", databaseUrl: "file:/tmp/x.db", pid: process.pid });
    for (const text of [
      "{",
      "[]",
      JSON.stringify({ url: "ftp://x", databaseUrl: "file:x", pid: process.pid }),
      JSON.stringify({ url: "http://127.0.0.1:1", databaseUrl: "file:x", pid: -1 }),
    ]) {
      writeFileSync(demoServerFile(root), text);
      expect(runningDemoServer(root), text).toBeNull();
    }
  });

  it("GIVEN a record WHEN a demo that is not its owner stops THEN it stays; WHEN its owner stops THEN it is removed", () => {
    const root = freshRoot();
    recordDemoServer(root, { url: "http://127.0.0.1:4000", databaseUrl: "file:/tmp/x.db", pid: process.pid });
    forgetDemoServer(root, process.pid + 1);
    expect(existsSync(demoServerFile(root))).toBe(true);
    forgetDemoServer(root, process.pid);
    expect(existsSync(demoServerFile(root))).toBe(false);
  });
});
