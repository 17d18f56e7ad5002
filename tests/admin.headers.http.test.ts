/**
 * Response headers of the embedded admin's actions under Remix single fetch, over real HTTP against
 * the built server in real mode. An action's thrown response stays at its own route, so the
 * library's headers (App Bridge's "retry with a fresh session token" signal) reach the browser only
 * through that route's `headers` export; without it App Bridge shows an error instead of retrying.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSessionToken } from "./support/shopify-signing";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "./support/server";
import { seedInstalledShop } from "./support/fixtures";

const SHOP = "headers-shop.myshopify.com";
let db: TestDatabase;
let server: RunningServer;

/** A fetch of a route's action as Remix single fetch sends it (`<path>.data`), through App Bridge. */
async function postAction(path: string, token: string, form: Record<string, string>) {
  return fetch(`${server.url}${path}.data`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_UA },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
}

beforeAll(async () => {
  db = freshDatabase("admin-headers");
  await seedInstalledShop(db.prisma, SHOP);
  await db.prisma.session.update({ where: { id: `offline_${SHOP}` }, data: { scope: realModeEnv("").SCOPES } });
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

describe("admin actions keep the library's headers (single fetch)", () => {
  for (const path of ["/app/settings", "/app/offers", "/app/experiments", "/app/suggestions"]) {
    it(`GIVEN an expired session token WHEN ${path}'s action is posted THEN 401 with App Bridge's retry header`, async () => {
      const res = await postAction(path, await adminSessionToken(SHOP, 3600), { intent: "noop" });
      expect(res.status).toBe(401);
      expect(res.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
    });
  }
});
