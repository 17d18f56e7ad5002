import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer } from "./support/server";

const db = freshDatabase("healthz");
afterAll(() => db.prisma.$disconnect());

describe("GET /healthz", () => {
  it("GIVEN a reachable database WHEN probed THEN 200", async () => {
    const server = await startServer(realModeEnv(db.url));
    try {
      const res = await fetch(`${server.url}/healthz`, { headers: { "User-Agent": BROWSER_UA } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok", database: "reachable" });
    } finally {
      await server.stop();
    }
  });

  it("GIVEN a database that cannot be opened WHEN probed THEN 503", async () => {
    const server = await startServer(realModeEnv("file:/nonexistent-dir/for/moments.db"));
    try {
      const res = await fetch(`${server.url}/healthz`, { headers: { "User-Agent": BROWSER_UA } });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable" });
    } finally {
      await server.stop();
    }
  });
});
