/**
 * The admin in the merchant's language over HTTP (decision 028), on the built server in demo mode:
 * `?locale=` (as Shopify loads the embedded app) picks the language, negotiated to en/de/fr; the
 * cookie it sets keeps it for requests without the parameter; a posted form names its locale and
 * its validation messages come back in that language. English stays the default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyOfferForm } from "~/offers/form";
import { freshDatabase, type TestDatabase } from "./support/db";
import { demoModeEnv, startServer, type RunningServer } from "./support/server";

let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("admin-locale");
  server = await startServer(demoModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
  return { res, html: await res.text() };
};

describe("the admin's language", () => {
  it("GIVEN ?locale=de WHEN the home page loads THEN it is German (navigation, page, title, <html lang>) and a cookie keeps the locale", async () => {
    const { res, html } = await page("/app?locale=de");
    expect(res.status).toBe(200);
    expect(html).toContain('<html lang="de"');
    expect(html).toContain("<title>Start · Moments</title>");
    for (const text of [
      "Angebote",
      "Einstellungen",
      "Checkliste zur Einrichtung",
      "Die Käuferreise",
      "Angebot erstellen",
    ])
      expect(html).toContain(text);
    expect(html).not.toContain("Setup checklist");
    expect(res.headers.get("set-cookie")).toMatch(/^moments_locale=de; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  });

  it("GIVEN ?locale=fr WHEN the home page loads THEN it is French", async () => {
    const { html } = await page("/app?locale=fr");
    expect(html).toContain('<html lang="fr"');
    for (const text of ["Offres", "Paramètres", "Liste de configuration", "Le parcours de l’acheteur"])
      expect(html).toContain(text);
    expect(html).not.toContain("Setup checklist");
  });

  it("GIVEN a regional German (de-CH) WHEN the home page loads THEN it is German; an admin language Moments is not written in (pt-BR) reads English", async () => {
    const swiss = await page("/app?locale=de-CH");
    expect(swiss.html).toContain('<html lang="de"');
    expect(swiss.html).toContain("Checkliste zur Einrichtung");
    expect(swiss.res.headers.get("set-cookie")).toMatch(/^moments_locale=de-CH;/);
    const brazil = await page("/app?locale=pt-BR");
    expect(brazil.html).toContain('<html lang="en"');
    expect(brazil.html).toContain("Setup checklist");
    expect(brazil.html).not.toContain("Checkliste");
  });

  it("GIVEN no locale WHEN a page loads THEN it is English; with the cookie from an earlier ?locale= it keeps that language", async () => {
    const plain = await page("/app/offers");
    expect(plain.html).toContain('<html lang="en"');
    expect(plain.html).toContain("<title>Offers · Moments</title>");
    expect(plain.res.headers.get("set-cookie")).toBeNull();
    const kept = await page("/app/offers", { Cookie: "moments_locale=de" });
    expect(kept.html).toContain('<html lang="de"');
    expect(kept.html).toContain("<title>Angebote · Moments</title>");
    expect(kept.res.headers.get("set-cookie")).toBeNull();
    // The URL wins over the cookie (Shopify's locale is the merchant's current one).
    const changed = await page("/app/offers?locale=fr", { Cookie: "moments_locale=de" });
    expect(changed.html).toContain("<title>Offres · Moments</title>");
    expect(changed.res.headers.get("set-cookie")).toMatch(/^moments_locale=fr;/);
  });

  it("GIVEN an invalid offer posted with locale=de WHEN saved THEN the field errors come back in German; without a locale in English", async () => {
    const form = emptyOfferForm(["EUR", "USD"]);
    const post = (locale: string | null) => {
      const body = new URLSearchParams({ intent: "save", form: JSON.stringify(form) });
      if (locale) body.set("adminLocale", locale);
      return fetch(`${server.url}/app/offers/new`, { method: "POST", body, redirect: "manual" });
    };
    const german = await post("de");
    expect(german.status).toBe(422);
    const html = await german.text();
    expect(html).toContain("Gib dem Angebot einen Namen, den dein Team wiedererkennt.");
    expect(html).toContain("Wähle mindestens ein Produkt für das Angebot aus.");
    const english = await (await post(null)).text();
    expect(english).toContain("Give the offer a name your team will recognise.");
  });
});
