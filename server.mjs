// The app's HTTP server: the Remix build behind Express, with start-up checks first.
// Used by `npm start` (real mode), `npm run demo` and the tests (against the built server).
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import { createRequestHandler as createRemixHandler, writeReadableStreamToWritable } from "@remix-run/node";

const root = path.dirname(fileURLToPath(import.meta.url));
// MOMENTS_BUILD_DIR lets parallel test runs each serve their own build.
const buildDir = path.resolve(root, process.env.MOMENTS_BUILD_DIR ?? "build");
const buildPath = path.join(buildDir, "server/index.js");

let build;
try {
  build = await import(buildPath);
} catch (error) {
  console.error(
    `Cannot load the server build at ${buildPath}: run \`npm run build\` first.\n${error?.message ?? error}`,
  );
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

/**
 * Bodies anyone on the internet can send us, bounded while they stream in: a declared
 * Content-Length over the limit, or received bytes passing it, is a 413 at once (before the HMAC
 * check, before anything buffers the whole body), and the connection is closed.
 * - webhooks 5 MB: Shopify documents no cap for HTTPS deliveries (EventBridge caps at 1,000,000
 *   bytes), orders with hundreds of lines run to a few hundred KB, and a customers/redact naming
 *   50,000 orders is under 1 MB; 5 MB leaves room and still bounds memory per request.
 * - events 64 KB: a batch is at most 50 events of well under 1 KB each.
 * - app proxy 64 KB: the storefront posts event batches (sendBeacon) and asks with a query string.
 * - thank-you 8 KB: an order, an offer and the price shown (docs/decisions/026-thank-you-order-edit.md).
 * docs/decisions/014-hostile-input.md
 */
const BODY_LIMITS = [
  { pattern: /^\/webhooks(\/|$)/, limit: 5 * 1024 * 1024, name: "webhooks" },
  { pattern: /^\/api\/events\/?$/, limit: 64 * 1024, name: "/api/events" },
  { pattern: /^\/api\/thank-you\//, limit: 8 * 1024, name: "/api/thank-you" },
  { pattern: /^\/proxy(\/|$)/, limit: 64 * 1024, name: "the app proxy" },
  // Demo mode's stand-in for Shopify's app proxy (404 in real mode): the same bound.
  { pattern: /^\/apps\/moments(\/|$)/, limit: 64 * 1024, name: "the app proxy" },
];

const mode = process.env.NODE_ENV ?? "production";
const handleRemix = createRemixHandler(build, mode);
// The event endpoints are served straight from their handlers (app/entry.server.tsx `hotPaths`),
// before Express and Remix; a thrown Response is the answer.
const hotPaths = build.entry.module.hotPaths ?? {};

app.use((req, res, next) => {
  const route =
    req.method === "GET" || req.method === "HEAD" ? undefined : BODY_LIMITS.find((r) => r.pattern.test(req.path));
  if (!route) return next();
  readBounded(req, res, route).then(
    (body) => (body ? handOn(req, res, body) : undefined),
    (error) => next(error),
  );
});
app.all("*", createRequestHandler({ build, mode }));

const DRAIN_BYTES = 16 * 1024 * 1024;

/** The body, or null once the request was answered 413 (or the client went away). */
function readBounded(req, res, { limit, name }) {
  // The answer goes out at once and whole (its length is known), with Connection: close, so that
  // a client still sending its body reads it; the response ends, and the connection with it, once
  // the body was read and dropped (DRAIN_BYTES more at most, then the connection is cut), or at
  // once for a body that is not to be read at all. No connection is reused after a 413.
  const tooLarge = (drain) => {
    const text = `Request body too large: ${name} accept at most ${limit} bytes\n`;
    res.writeHead(413, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
      Connection: "close",
    });
    if (!drain) return void res.end(text);
    res.write(text);
    let ended = false;
    const end = () => ended || ((ended = true), res.end());
    req.once("end", end);
    req.once("close", end);
  };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    // Refused before reading: a body within the drain is read and dropped, a larger one never read.
    const drain = declared <= limit + DRAIN_BYTES;
    tooLarge(drain);
    if (drain) req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    let chunks = [];
    let received = 0;
    let refused = false;
    // Once settled, the listeners let go of the chunks and of the promise's resolver (which holds
    // the body): a request object can outlive its answer, and what it holds would live on with it.
    const settle = (body) => {
      chunks = [];
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
      resolve(body);
    };
    const onData = (chunk) => {
      received += chunk.length;
      if (refused) {
        // After a 413 the rest is read and dropped (see tooLarge); past DRAIN_BYTES more the
        // connection is cut.
        if (received > limit + DRAIN_BYTES) req.socket.destroy();
      } else if (received > limit) {
        refused = true;
        tooLarge(true);
        settle(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      req.off("data", onData);
      settle(Buffer.concat(chunks));
    };
    // A request's only error is the client going away mid-body ("aborted"), as is a close before
    // the end: nobody to answer, nothing to log (a stack per abort would let anyone flood the logs).
    const onGone = () => {
      req.off("data", onData);
      settle(null);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}

/**
 * What @remix-run/express does for every other route (it exports only its handler), with the
 * buffered body instead of the request stream, which readBounded has consumed.
 */
async function handOn(req, res, body) {
  try {
    const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
    const [, hostPort] = req.get("host")?.split(":") ?? [];
    const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p, 10)).find(Number.isSafeInteger);
    const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
    const headers = new Headers();
    for (const [key, values] of Object.entries(req.headers)) {
      for (const value of Array.isArray(values) ? values : values ? [values] : []) headers.append(key, value);
    }
    const controller = new AbortController();
    res.on("close", () => res.writableFinished || controller.abort());
    const response = await handleRemix(
      new Request(url.href, { method: req.method, headers, body, signal: controller.signal }),
    );
    res.statusMessage = response.statusText;
    res.status(response.status);
    for (const [key, value] of response.headers.entries()) res.append(key, value);
    if (response.body) await writeReadableStreamToWritable(response.body, res);
    else res.end();
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.status(500).end();
    else res.destroy();
  }
}

/**
 * POST and OPTIONS to an event endpoint, with no middleware in between: the same body limit, the
 * handler's Response written back whole (JSON of a few hundred bytes).
 */
async function serveHot(req, res, handler) {
  try {
    const path = req.url.split("?", 1)[0];
    const body =
      req.method === "OPTIONS"
        ? undefined
        : await readBounded(
            req,
            res,
            BODY_LIMITS.find((r) => r.pattern.test(path)),
          );
    if (body === null) return;
    const headers = new Headers();
    for (const [key, values] of Object.entries(req.headers)) {
      for (const value of Array.isArray(values) ? values : values ? [values] : []) headers.append(key, value);
    }
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
      method: req.method,
      headers,
      body,
    });
    const response = await handler(request).catch((thrown) => {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    });
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(
      response.status,
      [...response.headers.entries()].flat().concat("Content-Length", String(payload.length)),
    );
    res.end(payload);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  }
}

const server = http.createServer((req, res) => {
  const path = req.url.split("?", 1)[0];
  if ((req.method === "POST" || req.method === "OPTIONS") && Object.hasOwn(hotPaths, path))
    serveHot(req, res, hotPaths[path]);
  else app(req, res);
});
server.listen(listen.port, listen.host, () => {
  const { port } = server.address();
  // Tests and scripts read this line to find the port (PORT=0 picks a free one).
  console.log(
    `Moments (${listen.mode} mode) listening on http://${listen.host === "0.0.0.0" ? "localhost" : listen.host}:${port}`,
  );
});

const shutdown = () => server.close(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
