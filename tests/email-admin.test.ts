import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, demoModeEnv, startServer, type RunningServer } from "./support/server";
import { launchChromium, screenshotPath } from "./support/browser";
import { addEmailOffer, parsedOrder, schedule } from "./email.fixtures";

/** The Emails admin page in demo mode: schedule, rates, per-offer preview, the .eml outbox. */
const DEMO_DOMAIN = "moments-demo.myshopify.com";
let db: TestDatabase;
let server: RunningServer;
let outbox: string;

beforeAll(async () => {
  db = freshDatabase("email-admin");
  outbox = mkdtempSync(path.join(os.tmpdir(), "moments-demo-outbox-"));
  server = await startServer({ ...demoModeEnv(db.url), EMAIL_OUTBOX_DIR: outbox, EMAIL_WORKER: "off" });
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_DOMAIN } });
  await addEmailOffer(db.prisma, shop.id);
  await schedule(db.prisma, shop, parsedOrder(DEMO_DOMAIN, { id: 9901, email: "ana@example.com", customerId: 77 }), new Date());
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const post = (body: string) =>
  fetch(`${server.url}/app/emails`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA }, body });
const get = (p: string) => fetch(`${server.url}${p}`, { headers: { "User-Agent": BROWSER_UA } });

describe("admin: /app/emails (demo mode)", () => {
  it("GIVEN a scheduled message WHEN the page loads THEN it shows the schedule, the rates and the offer's preview", async () => {
    const res = await get("/app/emails");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Follow-up emails");
    expect(html).toContain("a**@example.com"); // the schedule masks addresses
    expect(html).toContain("Opt-out rate");
    expect(html).toContain("Take rate");
    expect(html).toContain("Complete your sound"); // the preview's subject
  });

  it("GIVEN the demo store WHEN the merchant simulates an order THEN one more email is scheduled for a consenting demo customer", async () => {
    const before = await db.prisma.outboxMessage.count();
    const res = await post("intent=simulate_order");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("one email scheduled");
    expect(await db.prisma.outboxMessage.count()).toBe(before + 1);
  });

  it("GIVEN the demo outbox WHEN the merchant sends scheduled emails now THEN .eml files are written, listed and can be opened", async () => {
    const res = await post("intent=send_now");
    expect(res.status).toBe(200);
    const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(2);
    const page = await (await get("/app/emails")).text();
    expect(page).toContain(`/app/emails/file/${files[0]}`);
    const file = await get(`/app/emails/file/${files[0]}`);
    expect(file.status).toBe(200);
    expect(await file.text()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    const download = await get(`/app/emails/file/${files[0]}?download=1`);
    expect(download.headers.get("content-type")).toBe("message/rfc822");
    expect((await get("/app/emails/file/..%2F..%2Fpackage.json")).status).toBe(404);
  });

  it("GIVEN the page in Chromium THEN it renders (screenshot for review)", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
      await page.goto(`${server.url}/app/emails`);
      await page.getByText("Demo outbox").waitFor();
      await page.screenshot({ path: screenshotPath("email-admin"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
