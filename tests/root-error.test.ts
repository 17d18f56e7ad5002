import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, type RunningServer } from "./support/server";

const db = freshDatabase("root-error");
let server: RunningServer;
beforeAll(async () => {
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db.prisma.$disconnect();
});

const page = (path: string) => fetch(`${server.url}${path}`, { headers: { "User-Agent": BROWSER_UA } });

describe("the root error boundary", () => {
  it("GIVEN a path no route serves WHEN opened THEN a 404 page says so, with a title", async () => {
    const res = await page("/no-such-page");
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(html).toContain("<title>404 · Moments</title>");
    expect(html).toContain("This page does not exist");
  });

  it("GIVEN a route that refuses with a reason WHEN opened THEN the page shows the status and that reason", async () => {
    // The demo's pages exist only in demo mode; this server runs in real mode.
    const res = await page("/demo/journey");
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(html).toContain("Moments · 404");
    expect(html).toContain("Not found");
  });
});
