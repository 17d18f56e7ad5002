import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { env } from "./env.server";
import { ensureDemoShop } from "./demo/seed.server";
import { ensureDemoOffers } from "./demo/demo-offers";
import { publishShop } from "./publish/publish.server";
import { demoGateway } from "./gateway/demo.server";
import { startEmailWorker } from "./email/worker.server";
import { startRetentionWorker } from "./retention/retention.server";
import { startSuggestionsWorker } from "./suggestions/worker.server";
import { startGuardrailWorker } from "./guardrail/worker.server";
import { startAllocationWorker } from "./allocation/allocate.server";
import { startBillingWorker } from "./billing/worker.server";
import { republishStalePayloads } from "./publish/republish.server";
import { gatewayForShop } from "./gateway/for-shop.server";
import { db } from "./db.server";
import { checkoutEventsResponse, proxyEventsResponse } from "./measurement/http.server";
import { configureIngestion } from "./measurement/ingest.server";

export const streamTimeout = 5000;

/**
 * The event endpoints, which every buyer of every shop calls, served by server.mjs straight from
 * these handlers (the same ones the routes call, with the same verification) without Remix's
 * per-request work: route matching, loader/action dispatch and error boundaries are for pages.
 * A handler that throws a Response (the auth helpers do) answers with it.
 */
export const hotPaths: Record<string, (request: Request) => Promise<Response>> = {
  "/api/events": checkoutEventsResponse,
  "/proxy/events": proxyEventsResponse,
};

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * Called once by server.mjs before it listens: validates env (throws EnvError naming the
 * variable) and, in demo mode, makes sure the demo shop exists.
 */
export async function startup(): Promise<{ host: string; port: number; mode: string }> {
  const e = env();
  const prisma = db();
  configureIngestion({ maxQueuedEvents: e.INGEST_MAX_QUEUED_EVENTS });
  if (e.MOMENTS_MODE === "demo") {
    const { created, shopId } = await ensureDemoShop(prisma);
    // Demo offers come with a new demo shop only: a merchant who deletes them keeps none.
    if (created && (await ensureDemoOffers(prisma, shopId))) {
      const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
      const outcome = await publishShop(prisma, shop, demoGateway(prisma, shopId));
      console.log(
        outcome.ok
          ? "Seeded the demo shop (catalog, customers, order history, offers) and published its offers."
          : `Seeded the demo shop, but publishing its offers failed: ${outcome.error}`,
      );
    }
  }
  await startEmailWorker();
  await startRetentionWorker();
  await startSuggestionsWorker();
  await startGuardrailWorker();
  await startAllocationWorker();
  await startBillingWorker();
  // In the background: the server listens meanwhile, and a shop that fails keeps its error.
  void republishStalePayloads(prisma, (shop) => gatewayForShop(prisma, shop)).then(
    (r) =>
      r.republished + r.failed > 0 &&
      console.log(`Republished ${r.republished} shops' offers in the current payload format (${r.failed} failed).`),
    (error: unknown) => console.error("[moments] republishing stale payloads failed:", error),
  );
  return { host: e.HOST, port: e.PORT, mode: e.MOMENTS_MODE };
}
