import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { decodePayload } from "@moments/engine";
import { demoAdminInChromium } from "../support/browser";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

const session = demoAdminInChromium("admin-walk", (s) => {
  if (process.env.ADMIN_TEST_DEBUG)
    console.log(
      s.server
        ?.output()
        .replace(/Error: No route matches URL "\/favicon.ico"[\s\S]*?\n}\n/g, "")
        .slice(0, 5000),
    );
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core in the page: serious and critical violations, as "rule: target" lines. */
async function seriousViolations(): Promise<string[]> {
  await session.page.addScriptTag({ path: AXE });
  const violations = await session.page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const demoShop = () => session.db.prisma.shop.findUniqueOrThrow({ where: { domain: "moments-demo.myshopify.com" } });
const previewCard = () => session.page.getByTestId("offer-preview-card");

async function addProduct(search: string, label: string) {
  await session.page.getByLabel("Search products", { exact: true }).fill(search);
  const add = session.page.getByRole("button", { name: `Add ${label}`, exact: true });
  await add.waitFor();
  await add.click();
}

describe("the merchant admin, walked through in Chromium (demo mode)", () => {
  let offerId = "";

  it("GIVEN a fresh demo shop WHEN the merchant opens the home page THEN it shows the journey's moments and the setup checklist", async () => {
    await session.page.goto(`${session.server.url}/app`);
    await session.page.getByRole("heading", { name: "The buyer's journey" }).waitFor();
    for (const moment of ["In-cart cross-sell", "Checkout: before payment", "Post-purchase page", "Follow-up email"]) {
      await session.page.getByRole("heading", { name: moment, exact: true }).waitFor();
    }
    expect(await session.page.getByRole("link", { name: /^Create offer for / }).count()).toBe(9);
    await session.page.getByText("Setup checklist").waitFor();
    await session.shot("admin-home");
  });

  it("GIVEN the new-offer form WHEN the merchant builds a checkout bundle with two variants and a 10% hold-out THEN the live preview shows it to a mobile buyer in Germany in EUR", async () => {
    await session.page.goto(`${session.server.url}/app/offers/new`);
    await session.page.getByLabel("Offer name").fill("Laptop essentials bundle");
    await session.page.getByLabel("Offer type").selectOption("bundle");
    // The demo shop ships with demo offers; this one must outrank them at checkout.
    await session.page.getByLabel("Priority").fill("500");
    expect(await session.page.getByLabel("Checkout: before payment (Shopify Plus)").isChecked()).toBe(true);
    await addProduct("Storage", "Stackable Tool Storage Case - Default");
    await addProduct("Cable", "Premium Braided Audio Cable - 1.5 m");
    await session.page.getByLabel("Discount type").selectOption("percent");
    await session.page.getByLabel("Discount (%)", { exact: true }).fill("10");
    await session.page.getByLabel("Headline (en)").fill("Complete your setup");
    await session.page.getByLabel("Text (en)").fill("A storage case and a braided cable, 10% off together.");
    await session.page.getByLabel("Run an experiment (variants and a hold-out group)").check();
    await session.page.getByLabel("Hold-out share (%)").fill("10");
    await session.page.getByLabel("Variant 2 headline").fill("Your bundle, 15% off");
    await session.page.getByLabel("Variant 2 discount (%)").fill("15");

    await session.page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" });
    await session.page.getByLabel("Device").selectOption("mobile");
    await session.page.getByLabel("Country").selectOption("DE");
    await session.page.getByLabel("Currency").selectOption("EUR");
    await session.page.getByLabel("Experiment arm").selectOption({ label: "Variant A" });
    await session.page.getByRole("button", { name: "Refresh preview" }).click();
    await expect.poll(() => previewCard().textContent(), { timeout: 10_000 }).toContain("Complete your setup");
    // 39.00 + 24.90 = 63.90 EUR, 10% off = 57.51 EUR, struck-through original.
    expect(await session.page.getByTestId("preview-final-price").textContent()).toBe("€57.51");
    expect(await previewCard().locator("s").textContent()).toBe("€63.90");
    expect(await session.page.getByTestId("live-preview").textContent()).toContain("mobile · DE · EUR");

    await session.page.getByLabel("Experiment arm").selectOption({ label: "Variant B" });
    await expect.poll(() => previewCard().textContent(), { timeout: 10_000 }).toContain("Your bundle, 15% off");
    expect(await session.page.getByTestId("preview-final-price").textContent()).toBe("€54.31");

    await session.page.getByLabel("Experiment arm").selectOption({ label: "Hold-out group" });
    await expect
      .poll(() => session.page.getByTestId("live-preview").textContent(), { timeout: 10_000 })
      .toContain("hold-out group");
    await session.page.getByLabel("Experiment arm").selectOption({ label: "Variant A" });
    await expect.poll(() => previewCard().count(), { timeout: 10_000 }).toBe(1);
    await session.shot("admin-offer-new-preview");
  });

  it("GIVEN the filled form WHEN the merchant saves THEN the offer is stored, published and listed", async () => {
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    await session.page.waitForURL(/\/app\/offers\/off_[a-z0-9]+\?saved=1(&draft=[a-z0-9]{16})?$/);
    offerId = new URL(session.page.url()).pathname.split("/").pop()!;
    await session.page.getByText("Saved and published").waitFor();
    expect(await session.page.getByTestId("published-at").textContent()).toMatch(/^Published \d{4}-\d{2}-\d{2}/);

    const row = await session.db.prisma.offer.findFirstOrThrow({
      where: { id: offerId },
      include: { variants: true, experiments: true, moments: true },
    });
    expect(row).toMatchObject({ name: "Laptop essentials bundle", type: "bundle", status: "active" });
    expect(row.moments.map((m) => m.moment)).toEqual(["checkout"]);
    expect(row.variants).toHaveLength(2);
    expect(row.experiments[0]).toMatchObject({ status: "running", holdoutBps: 1000 });
    const publication = await session.db.prisma.publication.findUniqueOrThrow({ where: { shopId: (await demoShop()).id } });
    const decoded = decodePayload(publication.payload);
    if (!decoded.ok) throw new Error("published payload does not decode");
    const published = decoded.payload;
    const mine = published.offers.find((o) => o.id === offerId);
    expect(mine?.experiment).toMatchObject({ holdoutBps: 1000 });
    expect(mine!.experiment!.variants).toHaveLength(2);

    await session.page.goto(`${session.server.url}/app/offers`);
    await session.page.getByRole("link", { name: "Laptop essentials bundle" }).waitFor();
    expect(await session.page.getByTestId("published-at").textContent()).toMatch(/^Published/);
    await session.shot("admin-offers-index");
  });

  it("GIVEN the saved offer WHEN the merchant edits the headline and saves THEN the change is stored and previewed", async () => {
    await session.page.getByRole("link", { name: "Laptop essentials bundle" }).click();
    await session.page.waitForURL(new RegExp(`/app/offers/${offerId}$`));
    await session.page.getByLabel("Headline (en)").fill("Complete your laptop setup");
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    // The headline is what buyers of the running experiment see: the save starts version 2 and says so.
    await session.page.waitForURL(/\?saved=1&version=2(&draft=[a-z0-9]{16})?$/);
    await session.page.getByText("Saved and published").waitFor();
    await session.page.getByText("Experiment version 2 started").waitFor();
    await session.page.getByText(/so it starts version 2; results so far stay with version 1\.$/).waitFor();
    expect(await session.page.getByLabel("Headline (en)").inputValue()).toBe("Complete your laptop setup");
    await session.page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" });
    await expect.poll(() => previewCard().textContent(), { timeout: 10_000 }).toContain("Complete your laptop setup");
    const row = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(JSON.parse(row.definition).copy.en.title).toBe("Complete your laptop setup");
    await session.shot("admin-offer-edit");
  });

  it("GIVEN the offer WHEN the merchant submits a 120% discount THEN the discount field shows an error and nothing is saved", async () => {
    const before = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    await session.page.getByLabel("Discount (%)", { exact: true }).fill("120");
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    const field = session.page.getByLabel("Discount (%)", { exact: true });
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    // The live preview may list the same error: the field's own message is the one asserted.
    await session.page.locator("form").getByText("The discount is a whole percentage from 1 to 100.").waitFor();
    await session.page.getByText("The offer was not saved").waitFor();
    const after = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(after.definition).toBe(before.definition);
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
    await session.shot("admin-offer-invalid-discount");
  });

  it("GIVEN the offer WHEN the merchant pastes a 2,500-character text THEN that field says it is too long and every edit on the page is kept", async () => {
    const before = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    await session.page.getByLabel("Discount (%)", { exact: true }).fill("15");
    const long = "Everything you need for the road. ".repeat(74).slice(0, 2500);
    await session.page.getByLabel("Text (en)").fill(long);
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    await session.page.locator("form").getByText("Keep the text under 500 characters.").waitFor();
    await session.page.getByText("The offer was not saved").waitFor();
    // The page is the editor still, with what the merchant typed: nothing to type again.
    expect(await session.page.getByLabel("Text (en)").inputValue()).toBe(long);
    expect(await session.page.getByLabel("Discount (%)", { exact: true }).inputValue()).toBe("15");
    const after = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(after.definition).toBe(before.definition);
    await session.shot("admin-offer-text-too-long");
  });

  it("GIVEN the offer WHEN the merchant types 100% off and a 0% hold-out THEN each field says what that does before anything is saved", async () => {
    await session.page.getByLabel("Discount (%)", { exact: true }).fill("100");
    await session.page.getByText("100% off gives the products away: buyers pay nothing for them. Keep it only for a free gift.").waitFor();
    await session.page.getByLabel("Hold-out share (%)").fill("0");
    await session.page.getByText(/^With no hold-out, nobody is left out to compare with/).waitFor();
    await session.shot("admin-offer-warnings");
    await session.page.getByLabel("Discount (%)", { exact: true }).fill("15");
    await session.page.getByLabel("Hold-out share (%)").fill("10");
    expect(await session.page.getByText("100% off gives the products away", { exact: false }).count()).toBe(0);
  });

  it("GIVEN the listed offer WHEN the merchant selects it and pauses it THEN it is paused and unpublished", async () => {
    await session.page.goto(`${session.server.url}/app/offers`);
    await session.page.getByRole("link", { name: "Laptop essentials bundle" }).waitFor();
    await session.page.locator(`input[type=checkbox][id*="${offerId}"]`).first().check({ force: true });
    await session.page.getByRole("button", { name: "Pause", exact: true }).click();
    // The page first: reading the SQLite file from this process while the server commits would
    // contend for its lock (see the report on WAL mode).
    await expect.poll(() => session.page.locator("table").textContent(), { timeout: 10_000 }).toContain("paused");
    await session.page.waitForLoadState("networkidle");
    expect((await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).status).toBe("paused");
    const publication = await session.db.prisma.publication.findUniqueOrThrow({ where: { shopId: (await demoShop()).id } });
    const decoded = decodePayload(publication.payload);
    expect(decoded.ok && decoded.payload.offers.map((o) => o.id)).not.toContain(offerId);
    await session.page.getByLabel("Status").selectOption("paused");
    await session.page.waitForURL(/status=paused/);
    await session.page.getByRole("link", { name: "Laptop essentials bundle" }).waitFor();
    await session.shot("admin-offers-paused");
  });

  it("GIVEN an experiment without results WHEN the merchant opens Experiments THEN it lists the arms by name and the hold-out, with stop and archive but no promotion", async () => {
    await session.page.goto(`${session.server.url}/app/experiments`);
    const card = session.page.locator(".Polaris-ShadowBevel", { hasText: "Laptop essentials bundle" });
    await card.getByRole("button", { name: "Stop experiment" }).waitFor();
    await card.getByRole("button", { name: "Archive" }).waitFor();
    expect(await card.getByRole("button", { name: /^Promote / }).count()).toBe(0);
    expect(await card.getByText(/^Hold-out 10% of buyers/).count()).toBe(1);
    // One results table per version: the headline edit above started version 2.
    expect(await card.getByText(/^Version \d/).allTextContents()).toEqual(["Version 2 (current)", "Version 1"]);
    expect(await card.locator("table").getByText("Hold-out", { exact: true }).count()).toBe(2);
    await session.shot("admin-experiments");
  });

  it("GIVEN Settings WHEN the merchant enters a 100 h email window THEN the field shows an error; 48 h saves", async () => {
    await session.page.goto(`${session.server.url}/app/settings`);
    await session.page.getByLabel("Send after (hours, 24 to 72)").fill("100");
    await session.page.getByRole("button", { name: "Save settings" }).click();
    await session.page.getByText("The follow-up email goes out 24 to 72 hours after the order.").waitFor();
    await session.page.getByLabel("Send after (hours, 24 to 72)").fill("48");
    await session.page.getByLabel("Journey cap (offers per buyer journey, all moments)").fill("2");
    await session.page.getByRole("button", { name: "Save settings" }).click();
    await session.page.getByText("Settings saved and published").waitFor();
    const settings = await session.db.prisma.shopSettings.findUniqueOrThrow({ where: { shopId: (await demoShop()).id } });
    expect(settings).toMatchObject({ emailDelayHours: 48, journeyCap: 2 });
    await session.shot("admin-settings");
  });

  it.each([
    ["home", "/app"],
    ["offers", "/app/offers"],
    ["new offer", "/app/offers/new"],
    ["offer", "/app/offers/:id"],
    ["experiments", "/app/experiments"],
    ["settings", "/app/settings"],
  ])(
    "GIVEN the %s page WHEN axe-core checks it THEN it finds no serious or critical violation",
    async (_name, path) => {
      await session.page.goto(`${session.server.url}${path.replace(":id", offerId)}`);
      await session.page.waitForLoadState("networkidle");
      expect(await seriousViolations()).toEqual([]);
    },
  );
});
