import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, demoModeEnv, startServer, type RunningServer } from "./support/server";

let db: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  db = freshDatabase("refusals");
  server = await startServer(demoModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const get = (path: string) => fetch(`${server.url}${path}`, { headers: { "User-Agent": BROWSER_UA } });

describe("a feature's refusal answered at the route (app/lib/errors.ts)", () => {
  it("GIVEN a dashboard filter that is not a date WHEN the page loads THEN 400 with the reason, not a 500", async () => {
    const res = await get("/app/dashboard?from=yesterday");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Bad filter from");
  });

  it("GIVEN the same filter WHEN the CSV is asked for THEN 400 with the reason", async () => {
    const res = await get("/app/dashboard.csv?from=yesterday");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Bad filter from");
  });

  it("GIVEN valid filters WHEN the CSV is asked for THEN 200", async () => {
    const res = await get("/app/dashboard.csv?from=2026-11-01&to=2026-11-30");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
  });

  it("GIVEN an offer form that is not JSON WHEN posted THEN 400 with the reason, nothing saved", async () => {
    const before = await db.prisma.offer.count();
    const res = await fetch(`${server.url}/app/offers/new`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "save", form: "{not json" }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The offer form must be sent as JSON");
    expect(await db.prisma.offer.count()).toBe(before);
  });
});
