import { afterAll, describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env.server";
import { freshDatabase } from "./support/db";
import { demoModeEnv, expectStartupFailure, realModeEnv } from "./support/server";

const db = freshDatabase("env");
afterAll(() => db.prisma.$disconnect());

describe("parseEnv", () => {
  it("GIVEN real mode without SHOPIFY_API_KEY WHEN parsed THEN the error names the variable", () => {
    const { SHOPIFY_API_KEY: _omit, ...env } = realModeEnv(db.url);
    expect(() => parseEnv(env)).toThrowError(new EnvError("SHOPIFY_API_KEY", "is missing"));
  });

  it("GIVEN a malformed DATABASE_URL WHEN parsed THEN the error names DATABASE_URL", () => {
    expect(() => parseEnv({ ...realModeEnv(db.url), DATABASE_URL: "mysql://nope" })).toThrow(/DATABASE_URL/);
  });

  it("GIVEN demo mode WHEN parsed THEN it binds to 127.0.0.1 and needs no Shopify credentials", () => {
    const env = parseEnv({ MOMENTS_MODE: "demo", DATABASE_URL: db.url });
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.SHOPIFY_API_KEY).toBe("demo-api-key");
  });

  it("GIVEN demo mode with NODE_ENV=production WHEN parsed THEN it refuses", () => {
    expect(() => parseEnv({ MOMENTS_MODE: "demo", NODE_ENV: "production", DATABASE_URL: db.url })).toThrow(/NODE_ENV/);
  });

  it("GIVEN demo mode asked to bind to every interface WHEN parsed THEN it refuses", () => {
    expect(() => parseEnv({ MOMENTS_MODE: "demo", HOST: "0.0.0.0", DATABASE_URL: db.url })).toThrow(/HOST/);
  });
});

describe("the built server's start-up", () => {
  it("GIVEN real mode without SHOPIFY_API_KEY WHEN started THEN it exits 1 with one line naming the variable", async () => {
    const { SHOPIFY_API_KEY: _omit, ...env } = realModeEnv(db.url);
    const { code, output } = await expectStartupFailure(env);
    expect(code).toBe(1);
    expect(output.trim()).toBe("Invalid environment: SHOPIFY_API_KEY is missing");
  });

  it("GIVEN a malformed DATABASE_URL WHEN started THEN it exits 1 naming DATABASE_URL", async () => {
    const { code, output } = await expectStartupFailure({ ...realModeEnv(db.url), DATABASE_URL: "not-a-url" });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^Invalid environment: DATABASE_URL must be/);
  });

  it("GIVEN demo mode with NODE_ENV=production WHEN started THEN it refuses to start", async () => {
    const { code, output } = await expectStartupFailure({ ...demoModeEnv(db.url), NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(output).toMatch(/NODE_ENV is production/);
  });
});
