import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { freshDatabase, type TestDatabase } from "./db";
import { SCREENSHOTS } from "./paths";
import { demoModeEnv, startServer, type RunningServer } from "./server";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** This machine's network is closed: without these Chromium keeps trying to reach Google. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ["--headless", ...CHROMIUM_FLAGS] });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

/** A demo-mode server on a fresh database with a Chromium page open on it, for admin walk-throughs. */
export interface DemoAdminSession {
  db: TestDatabase;
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** A full-page screenshot into the run's screenshots (asserted non-trivial, for review). */
  shot(name: string): Promise<void>;
  /**
   * What a failed wait needs to be understood from a CI log alone: the page's address and text,
   * its script errors and failed answers, and the server's last output.
   */
  diagnosis(): Promise<string>;
}

/** Opens the session in `beforeAll` and closes it in `afterAll`; read its fields inside tests. */
export function demoAdminInChromium(label: string, onClose?: (s: DemoAdminSession) => void): DemoAdminSession {
  const s = {} as DemoAdminSession;
  beforeAll(async () => {
    s.db = freshDatabase(label);
    s.server = await startServer(demoModeEnv(s.db.url));
    s.browser = await launchChromium();
    s.page = await s.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The last 20 of the session's browser errors and failed answers.
    const seen: string[] = [];
    const note = (line: string) => {
      if (seen.push(line) > 20) seen.shift();
    };
    s.page.on("pageerror", (e) => note(`page error: ${e.message}`));
    s.page.on("console", (m) => m.type() === "error" && note(`console: ${m.text()}`));
    s.page.on("response", (r) => r.status() >= 400 && note(`${r.status()} ${r.request().method()} ${r.url()}`));
    s.diagnosis = async () => {
      const text = await s.page
        .locator("body")
        .innerText({ timeout: 5_000 })
        .catch((e: Error) => e.message);
      return [
        `page ${s.page.url()}:`,
        text.slice(0, 3_000),
        "browser (last 20):",
        ...seen,
        "server (last 3,000 characters):",
        s.server.output().slice(-3_000),
      ].join("\n");
    };
    s.shot = async (name) => {
      const file = screenshotPath(name);
      await s.page.screenshot({ path: file, fullPage: true });
      expect(existsSync(file) && statSync(file).size > 10_000).toBe(true);
    };
  });
  afterAll(async () => {
    onClose?.(s);
    await s.browser?.close();
    await s.server?.stop();
    await s.db?.prisma.$disconnect();
  });
  return s;
}
