/**
 * The thank-you endpoints on the built server (decision 026): routed, answering the extension's
 * CORS preflight, refusing without a valid session token (401 with the reason, CORS headers on the
 * refusal too, so the page can read it), bounded bodies (413 while streaming), never a 500; and the
 * access scopes the order edit needs, declared where Shopify and the app read them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "~/env.server";
import { checkoutToken } from "./hostile.helpers";
import { freshDatabase, type TestDatabase } from "./support/db";
import { ROOT } from "./support/paths";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "./support/server";

let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("thank-you-http");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      "User-Agent": BROWSER_UA,
      Origin: "https://extensions.shopifycdn.com",
      "Content-Type": "application/json",
      ...(init.headers ?? {}),
    },
  });
const ORDER_REF = { orderId: "gid://shopify/Order/1", checkoutToken: "tok" };

describe("/api/thank-you/* on the built server", () => {
  it.each(["/api/thank-you/accept", "/api/thank-you/offer"])(
    "GIVEN the extension's preflight WHEN OPTIONS %s THEN 204 with CORS for its headers",
    async (p) => {
      const res = await call(p, {
        method: "OPTIONS",
        headers: {
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization,content-type",
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
    },
  );

  it("GIVEN no session token WHEN accepting THEN 401 with the reason, readable cross-origin", async () => {
    const res = await call("/api/thank-you/accept", {
      method: "POST",
      body: JSON.stringify({
        ...ORDER_REF,
        offerId: "x",
        moment: "thank_you",
        expected: { final: 1, currency: "EUR" },
      }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ error: "missing Authorization: Bearer <session token>" });
  });

  it("GIVEN a valid token for a shop that is not installed WHEN asking THEN 404 with the reason, not a 500", async () => {
    const res = await call("/api/thank-you/offer", {
      method: "POST",
      headers: { Authorization: `Bearer ${await checkoutToken("nowhere.myshopify.com")}` },
      body: JSON.stringify(ORDER_REF),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "shop nowhere.myshopify.com is not installed" });
  });

  it("GIVEN a body over 8 KB WHEN posted THEN 413 while it streams in", async () => {
    const res = await call("/api/thank-you/accept", {
      method: "POST",
      body: JSON.stringify({ ...ORDER_REF, padding: "x".repeat(10_000) }),
    });
    expect(res.status).toBe(413);
  });

  it("GIVEN a GET WHEN requested THEN 405 naming POST", async () => {
    const res = await call("/api/thank-you/accept");
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: "use POST" });
  });
});

describe("the order edit's access scopes", () => {
  it("GIVEN shopify.app.toml and the demo's credentials WHEN read THEN both ask for write_order_edits beside read_orders", () => {
    const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
    const declared = /^scopes\s*=\s*"([^"]+)"/m.exec(toml)![1]!.split(",");
    expect(declared).toEqual(expect.arrayContaining(["read_orders", "write_order_edits"]));
    const demo = parseEnv({ MOMENTS_MODE: "demo", NODE_ENV: "development", DATABASE_URL: "file:./x.db" }).SCOPES.split(
      ",",
    );
    expect([...demo].sort()).toEqual([...declared].sort());
  });
});
