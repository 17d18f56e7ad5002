// The app's HTTP server: the Remix build behind Express, with start-up checks first.
// Used by `npm start` (real mode), `npm run demo` and the tests (against the built server).
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";

const root = path.dirname(fileURLToPath(import.meta.url));
// MOMENTS_BUILD_DIR lets parallel test runs each serve their own build.
const buildDir = path.resolve(root, process.env.MOMENTS_BUILD_DIR ?? "build");
const buildPath = path.join(buildDir, "server/index.js");

let build;
try {
  build = await import(buildPath);
} catch (error) {
  console.error(`Cannot load the server build at ${buildPath}: run \`npm run build\` first.\n${error?.message ?? error}`);
  process.exit(1);
}

let listen;
try {
  listen = await build.entry.module.startup();
} catch (error) {
  // EnvError and friends: one clear line, no stack, non-zero exit.
  console.error(error?.name === "EnvError" ? error.message : `Start-up failed: ${error?.stack ?? error}`);
  process.exit(1);
}

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV ?? "production" }));

const server = app.listen(listen.port, listen.host, () => {
  const { port } = server.address();
  // Tests and scripts read this line to find the port (PORT=0 picks a free one).
  console.log(`Moments (${listen.mode} mode) listening on http://${listen.host === "0.0.0.0" ? "localhost" : listen.host}:${port}`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
