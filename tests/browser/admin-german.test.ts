/**
 * The demo admin in German (decision 028), in Chromium at 1280 px: the demo's language switch stands
 * in for the Shopify admin's language (`?locale=de` on the app's URL, kept by a cookie), then the
 * merchant walks home -> offers -> the editor -> a validation error, which the server words in
 * German. On every page: no fixed English text of the catalogue, nothing wider than the window.
 * Screenshots: admin-de-home, admin-de-offers, admin-de-editor, admin-de-validation,
 * admin-de-templates, admin-de-settings, admin-de-experiments, admin-de-dashboard, admin-de-emails.
 */
import { describe, expect, it } from "vitest";
import { placeholdersByKey, type Messages } from "@moments/surfaces/i18n";
import { EN } from "~/i18n/catalogue";
import { CATALOGUES } from "~/i18n/catalogues.server";
import { demoAdminInChromium } from "../support/browser";

const session = demoAdminInChromium("admin-german");
/** A loaded machine (other suites beside this one) can take seconds to hydrate or answer. */
const SLOW = { timeout: 15_000 };

const textAt = (messages: Messages, key: string) =>
  String(key.split(".").reduce<unknown>((n, part) => (n as Messages)[part], messages));
/**
 * The English catalogue's fixed sentences German words differently: long enough not to be a name or
 * a word the languages share, and without placeholders (their parts are checked as whole messages).
 */
const ENGLISH_ONLY = [...placeholdersByKey(EN as unknown as Messages)]
  .filter(([, vars]) => vars.length === 0)
  .map(([key]) => [textAt(EN as unknown as Messages, key), textAt(CATALOGUES.de as unknown as Messages, key)] as const)
  .filter(([en, de]) => en !== de && en.length >= 12)
  .map(([en]) => en);

/** Which English catalogue sentences the page shows, and whether anything is wider than the window. */
async function check(name: string) {
  const { page } = session;
  await page.waitForLoadState("networkidle");
  const text = await page.evaluate(() => document.body.innerText);
  expect(
    ENGLISH_ONLY.filter((en) => text.includes(en)),
    name,
  ).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(1280);
  expect(await page.evaluate(() => document.documentElement.lang), name).toBe("de");
  await session.shot(`admin-de-${name}`);
}

describe("the demo admin in German, in Chromium", () => {
  it("GIVEN the demo admin WHEN the merchant picks Deutsch THEN the home page, its navigation and Polaris read German", async () => {
    const { page, server } = session;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/app`);
    await page.getByRole("heading", { name: "Setup checklist" }).waitFor();
    await page.getByLabel("Admin language").selectOption("de");
    await page.getByRole("heading", { name: "Checkliste zur Einrichtung" }).waitFor(SLOW);
    expect(new URL(page.url()).searchParams.get("locale")).toBe("de");
    await page.getByRole("link", { name: "Angebote", exact: true }).waitFor();
    await check("home");
  });

  it("GIVEN German WHEN the merchant opens Offers from the navigation (no ?locale= on the URL) THEN the list is German", async () => {
    const { page } = session;
    await page.getByRole("link", { name: "Angebote", exact: true }).click();
    await page.getByRole("columnheader", { name: "Priorität" }).waitFor(SLOW);
    expect(new URL(page.url()).search).toBe("");
    await page
      .getByRole("button", { name: "Angebot erstellen" })
      .or(page.getByRole("link", { name: "Angebot erstellen" }))
      .first()
      .waitFor();
    expect(await page.title()).toBe("Angebote · Moments");
    await check("offers");
  });

  it("GIVEN German WHEN the merchant opens an offer THEN every card of the editor and the live preview read German", async () => {
    const { page } = session;
    await page.locator("td a").first().click();
    await page.getByRole("heading", { name: "Live-Vorschau" }).waitFor(SLOW);
    for (const heading of [
      "Angebotene Produkte",
      "Preis",
      "Text",
      "Gestaltung",
      "Zielgruppe und Zeitplan",
      "Experiment",
      "Downsell",
    ])
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.getByLabel("Name des Angebots").waitFor();
    expect(await page.title()).toBe("Angebot · Moments");
    await check("editor");
  });

  it("GIVEN the editor in German WHEN the merchant saves without a name THEN the server's validation message is German, beside the field", async () => {
    const { page } = session;
    await page.getByLabel("Name des Angebots").fill("");
    await page.getByRole("button", { name: "Speichern", exact: true }).click();
    await page.getByText("Das Angebot wurde nicht gespeichert").waitFor(SLOW);
    await page.locator("form").getByText("Gib dem Angebot einen Namen, den dein Team wiedererkennt.").waitFor();
    // The live preview says why it cannot show the offer, with the same rules, in German too.
    await page.getByTestId("live-preview").getByText("Das Angebot ist noch nicht vollständig:").waitFor(SLOW);
    await check("validation");
  });

  it("GIVEN German WHEN the merchant opens the playbook and the settings THEN both read German", async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/app/offers/templates`);
    await page.getByRole("heading", { name: "Mit dem Playbook starten" }).waitFor(SLOW);
    await page.getByRole("heading", { name: "Schutzbrief bei der Zahlung" }).waitFor();
    await check("templates");
    await page.goto(`${server.url}/app/settings`);
    await page.getByRole("button", { name: "Einstellungen speichern" }).waitFor(SLOW);
    await check("settings");
  });

  it("GIVEN German WHEN the merchant opens Experiments, Measurement and Emails THEN they read German", async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/app/experiments`);
    await page.getByRole("heading", { name: "Experimente", exact: true }).waitFor(SLOW);
    await check("experiments");
    await page.goto(`${server.url}/app/dashboard`);
    await page.getByRole("heading", { name: "Messung", exact: true }).waitFor(SLOW);
    await check("dashboard");
    await page.goto(`${server.url}/app/emails`);
    await page.getByRole("heading", { name: "Folge-E-Mails", exact: true }).waitFor(SLOW);
    await check("emails");
  });
});
