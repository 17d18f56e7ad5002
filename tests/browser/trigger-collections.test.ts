/**
 * The offer editor's "Trigger collections" field in Chromium (demo mode): the merchant picks a
 * collection, the live preview decides with it, saving stores and publishes it, and an id the
 * shop no longer has stays on the offer, shown as the id.
 */
import { describe, expect, it } from "vitest";
import { decodePayload } from "@moments/engine";
import { demoCollectionGid } from "~/demo/catalog";
import { emptyOfferForm } from "~/offers/form";
import { demoAdminInChromium } from "../support/browser";

const TOOLS = demoCollectionGid("tools");
const GONE = "gid://shopify/Collection/424242";

const session = demoAdminInChromium("trigger-collections-walk");
const preview = () => session.page.getByTestId("live-preview");

describe("trigger collections in the offer editor (Chromium, demo mode)", () => {
  let offerId = "";

  it("GIVEN the picker's server search WHEN asked for 'tool' THEN it answers the matching collection with its GID", async () => {
    const response = await fetch(`${session.server.url}/app/offers/collections?q=tool`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ collections: [{ id: TOOLS, title: "Tools" }] });
  });

  it("GIVEN a posted form whose trigger collections are not ids WHEN saved THEN it is a 400 and nothing is stored", async () => {
    const before = await session.db.prisma.offer.count();
    // A well-formed form but for the collections.
    const form = emptyOfferForm(["EUR", "USD"]) as unknown as { targeting: { collections: unknown } };
    form.targeting.collections = [1];
    for (const [path, body] of [
      ["/app/offers/new", new URLSearchParams({ intent: "save", form: JSON.stringify(form) })],
      ["/app/offers/preview", new URLSearchParams({ form: JSON.stringify(form) })],
    ] as const) {
      const response = await fetch(`${session.server.url}${path}`, { method: "POST", body });
      expect(response.status, path).toBe(400);
    }
    expect(await session.db.prisma.offer.count()).toBe(before);
  });

  it("GIVEN the new-offer form WHEN the merchant picks the Tools collection THEN the preview shows the offer for a drill and explains why not for a laptop", async () => {
    await session.page.goto(`${session.server.url}/app/offers/new`);
    await session.page.getByLabel("Offer name").fill("Case for anything from Tools");
    // The demo shop's own offers are at checkout too; this one must outrank them.
    await session.page.getByLabel("Priority").fill("900");
    await session.page.getByLabel("Search products", { exact: true }).fill("Storage");
    const add = session.page.getByRole("button", { name: "Add Stackable Tool Storage Case - Default", exact: true });
    await add.waitFor();
    await add.click();
    await session.page.getByLabel("Headline (en)").fill("Keep your tools together");

    const field = session.page.getByRole("combobox", { name: "Trigger collections" });
    await field.click();
    await field.fill("Too");
    await session.page.getByRole("option", { name: "Tools" }).click();
    await session.page.keyboard.press("Escape");
    await session.page.getByRole("button", { name: "Remove Tools" }).waitFor();

    await session.page.getByLabel("Sample cart").selectOption({ label: "Pro 18V Cordless Drill - Drill only" });
    await expect.poll(() => preview().textContent(), { timeout: 10_000 }).toContain("Keep your tools together");
    await session.shot("offer-trigger-collections-shown");

    await session.page.getByLabel("Sample cart").selectOption({ label: "Aero 14 Laptop - 16 GB / 512 GB" });
    await expect
      .poll(() => preview().textContent(), { timeout: 10_000 })
      .toContain("Nothing in the cart triggers the offer");
    await session.shot("offer-trigger-collections-why-not");
  });

  it("GIVEN the picked collection WHEN the merchant saves THEN the offer is stored and published with the collection's GID", async () => {
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    await session.page.waitForURL(/\/app\/offers\/off_[a-z0-9]+\?saved=1(&draft=[a-z0-9]{16})?$/);
    offerId = new URL(session.page.url()).pathname.split("/").pop()!;
    await session.page.getByText("Saved and published").waitFor();
    await session.page.waitForLoadState("networkidle");
    const row = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(JSON.parse(row.definition).targeting).toEqual({ collections: [TOOLS] });
    const publication = await session.db.prisma.publication.findFirstOrThrow();
    const decoded = decodePayload(publication.payload);
    if (!decoded.ok) throw new Error("published payload does not decode");
    expect(decoded.payload.offers.find((o) => o.id === offerId)?.targeting?.collections).toEqual([TOOLS]);
    // The saved page shows the collection by its title.
    await session.page.getByRole("button", { name: "Remove Tools" }).waitFor();
  });

  it("GIVEN an offer triggered by a collection the shop no longer has WHEN opened and saved THEN the id is shown and kept", async () => {
    const row = await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } });
    const definition = JSON.parse(row.definition) as { targeting: { collections: string[] } };
    definition.targeting.collections = [TOOLS, GONE];
    await session.db.prisma.offer.update({ where: { id: offerId }, data: { definition: JSON.stringify(definition) } });

    await session.page.goto(`${session.server.url}/app/offers/${offerId}`);
    await session.page.getByText(GONE, { exact: true }).waitFor();
    await session.shot("offer-trigger-collections-unknown-id");
    await session.page.getByLabel("Headline (en)").fill("Keep all your tools together");
    await session.page.getByRole("button", { name: "Save", exact: true }).click();
    await session.page.waitForURL(/\?saved=1(&draft=[a-z0-9]{16})?$/);
    await session.page.getByText("Saved and published").waitFor();
    await session.page.waitForLoadState("networkidle");
    const after = JSON.parse((await session.db.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).definition);
    expect(after.targeting.collections).toEqual([TOOLS, GONE]);
    expect(after.copy.en.title).toBe("Keep all your tools together");
  });
});
