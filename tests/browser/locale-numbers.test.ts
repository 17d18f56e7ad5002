/**
 * Numbers in the merchant's locale on /app/suggestions (demo mode, Chromium): the evidence's
 * counts, lift, take rate and money read "1.234,5" in German and "1 234,5" in French, from the one
 * shared formatter (app/i18n/format.ts). Screenshots in tests/.output/locale-numbers/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demoAdminInChromium } from "../support/browser";
import { ROOT } from "../support/paths";

const session = demoAdminInChromium("locale-numbers");
const DIR = path.join(ROOT, "tests/.output/locale-numbers");

async function evidenceIn(locale: "de" | "fr") {
  const { page, server } = session;
  await page.goto(`${server.url}/app/suggestions?locale=${locale}`);
  const card = page.getByTestId("suggestion").filter({ hasText: "Premium Braided Audio Cable" }).first();
  await card.waitFor();
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: path.join(DIR, `suggestions-${locale}.png`), fullPage: true });
  return card.innerText();
}

describe("/app/suggestions in the admin's locale", () => {
  it("GIVEN mined suggestions WHEN read in German THEN rates, lift and money use German decimals and grouping", async () => {
    const { page, server } = session;
    await page.goto(`${server.url}/app/suggestions`);
    await page.getByRole("button", { name: "Mine my orders" }).click();
    await page.getByRole("heading", { name: "In-cart cross-sell" }).waitFor();

    const text = await evidenceIn("de");
    // A share: "12,3 %" (Intl's no-break space before the sign); never "12.3%".
    expect(text).toMatch(/Erwartete Annahmequote\s+\d+,\d\u00a0%/);
    expect(text).toMatch(/Steigerung \(Lift\)\s+\d+(,\d)?×/);
    // Money: "1.234,56 €" style, grouping with "." and decimals with ",".
    expect(text).toMatch(/Erwarteter Umsatz je 1\.000 Käufer\s+(\d{1,3}(\.\d{3})*),\d{2}\u00a0€/);
    expect(text).not.toMatch(/\d\.\d%|\d\.\d×/);
  });

  it("GIVEN the same suggestions WHEN read in French THEN narrow no-break spaces group and a comma marks decimals", async () => {
    const text = await evidenceIn("fr");
    expect(text).toMatch(/\d+,\d\u00a0%/);
    expect(text).toMatch(/\d+(,\d)?×/);
    expect(text).toMatch(/(\d{1,3}(\u202f\d{3})*),\d{2}\u00a0€/);
    expect(text).not.toMatch(/\d\.\d%|\d\.\d×/);
  });
});
