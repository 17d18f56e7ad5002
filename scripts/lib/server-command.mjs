// How `npm start` runs the production server, read from package.json, so that the tests, the
// benches and the demo start server.mjs with the same V8 flags as production does.
import { readFileSync } from "node:fs";
import path from "node:path";

/** The arguments `npm start` passes to node: its flags, then server.mjs as an absolute path. */
export function serverArgs(root) {
  const start = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start;
  const [command, ...args] = start.trim().split(/\s+/);
  if (command !== "node" || args.at(-1) !== "server.mjs")
    throw new Error(`package.json's start script must read "node [flags] server.mjs", not "${start}"`);
  return [...args.slice(0, -1), path.join(root, "server.mjs")];
}
