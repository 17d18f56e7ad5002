import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { SignJWT } from "jose";
import type { PrismaClient } from "@prisma/client";
import { SHOPIFY_API_VERSION } from "~/lib/api-version";
import { BROWSER_UA, TEST_API_KEY, TEST_API_SECRET } from "./support/server";

/** Shared by tests/hostile*.test.ts: hostile requests against the built server, signed for real. */

/** A webhook signed with the app secret, posted to any path with any topic header (both unsigned). */
export function signedWebhook(baseUrl: string, d: { path: string; topic: string; shop: string; body: string; webhookId?: string }) {
  return fetch(`${baseUrl}${d.path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": BROWSER_UA,
      "X-Shopify-Topic": d.topic,
      "X-Shopify-Shop-Domain": d.shop,
      "X-Shopify-API-Version": SHOPIFY_API_VERSION,
      "X-Shopify-Webhook-Id": d.webhookId ?? randomUUID(),
      "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_API_SECRET).update(d.body).digest("base64"),
    },
    body: d.body,
  });
}

/** A checkout UI extension's session token (HS256, app secret); `aud` as given, left out when null. */
export function checkoutToken(shop: string, aud: string | null = TEST_API_KEY) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, ...(aud === null ? {} : { aud }), sub: "gid://shopify/Customer/1", jti: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(TEST_API_SECRET));
}

export const postEvents = async (baseUrl: string, body: unknown, token: string) =>
  fetch(`${baseUrl}/api/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA, Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${token}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

export const impression = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "impression",
  moment: "checkout",
  surface: "checkout",
  journeyKey: `journey-${randomUUID()}`,
  offerId: "offer-1",
  occurredAt: Date.now(),
  ...over,
});

/** Resident memory of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}

/**
 * POSTs `totalBytes` streamed in 1 MB chunks (chunked transfer encoding, no Content-Length),
 * stopping as soon as the server answers; resolves with the answer and how much was sent by then.
 */
export function streamBody(url: string, totalBytes: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/json", ...headers } });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    // Writing on after the server answered and closed is expected to fail (EPIPE, ECONNRESET).
    req.on("error", (error) => answered || reject(error));
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        // On loopback a drain can come back at once: yield a turn first, or the client never reads
        // the 413 and runs into the server's cut (ECONNRESET) before it does.
        if (!req.write(chunk)) return void req.once("drain", () => setImmediate(pump));
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Samples a process's RSS every 25 ms while `run` runs; resolves with its result and the peak. */
export async function peakRss<T>(pid: number, run: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 25);
  try {
    const result = await run();
    return { result, peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A customer of `shopId` with `count` orders (numeric ids from `firstId`), each with a journey that
 * has an event and a JourneyOrder link: what customers/redact must clear, across many IN batches.
 */
export async function seedCustomerOrders(prisma: PrismaClient, shopId: string, firstId: number, count: number) {
  const ids = Array.from({ length: count }, (_, i) => firstId + i);
  const gid = (id: number) => `gid://shopify/Order/${id}`;
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    await prisma.order.createMany({
      data: slice.map((id) => ({
        shopId,
        shopifyId: gid(id),
        customerId: `gid://shopify/Customer/other-${id}`, // only the order id links it to the customer
        email: `buyer-${id}@example.com`,
        currency: "EUR",
        totalMinor: 1000,
        subtotalMinor: 1000,
        lineCount: 1,
        processedAt: new Date(),
      })),
    });
    await prisma.journeyOrder.createMany({
      data: slice.map((id) => ({ shopId, journeyKey: `jr-${id}`, orderId: gid(id), currency: "EUR", totalMinor: 1000 })),
    });
    await prisma.event.createMany({
      data: slice.map((id) => ({
        shopId,
        clientEventId: `ev-${id}`,
        type: "impression",
        moment: "checkout",
        surface: "checkout",
        journeyKey: `jr-${id}`,
        offerId: "offer-1",
        arm: "none",
        occurredAt: new Date(),
        day: "2026-12-01",
      })),
    });
  }
  return ids;
}
