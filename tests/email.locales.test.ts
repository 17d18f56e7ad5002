import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { placeholdersByKey, type Messages } from "@moments/surfaces/i18n";
import { runBatch } from "~/email/outbox.server";
import { demoGateway } from "~/gateway/demo.server";
import { smtpTransport, type EmailTransport } from "~/email/transport.server";
import { emailHash, signClick, signUnsubscribe } from "~/email/tokens.server";
import { EMAIL_LANGUAGES } from "~/email/i18n.server";
import { freshDatabase, type TestDatabase } from "./support/db";
import { BROWSER_UA, realModeEnv, startServer, TEST_API_SECRET, type RunningServer } from "./support/server";
import { deliverWebhook } from "./support/webhooks";
import { ROOT } from "./support/paths";
import { decodedBody, headerOf, orderPayload, seedEmailShop, startSmtp } from "./email.fixtures";

/**
 * The follow-up email and its pages in the buyer's language (decision 023): the order's
 * `customer_locale` picks the fixed texts (app/email/locales) and the money format, the engine
 * picks the offer copy's locale as before. Orders arrive as signed webhooks at the built server,
 * messages go out over SMTP (in-process), the links are followed over HTTP.
 */
const SHOP = "northfold-lang.myshopify.com";
const HOUR = 3_600_000;
const LOCALES = path.join(ROOT, "app/email/locales");

let db: TestDatabase;
let server: RunningServer;
let shop: { id: string; domain: string };

beforeAll(async () => {
  db = freshDatabase("email-locales");
  server = await startServer(realModeEnv(db.url));
});
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});
beforeEach(async () => {
  for (const t of [
    "outboxMessage",
    "emailUnsubscribe",
    "event",
    "offer",
    "publication",
    "demoProduct",
    "order",
    "webhookEvent",
    "session",
    "shop",
  ] as const) {
    await (db.prisma[t] as unknown as { deleteMany: () => Promise<unknown> }).deleteMany();
  }
  ({ shop } = await seedEmailShop(db.prisma, SHOP));
});

const usd = (locale: string, amount: number) =>
  new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(amount);

/** The fixed parts of the English email strings: none may remain in another language's email. */
const englishEmail = (EMAIL_LANGUAGES.en as Messages).email as Messages;
const englishFragments = Object.values(englishEmail)
  .flatMap((s) => String(s).split(/\{\{\s*\w+\s*\}\}/))
  .map((s) => s.trim())
  .filter((s) => s.length >= 4);

const delivery = (transport: EmailTransport, at: Date) => ({
  prisma: db.prisma,
  transport,
  gatewayFor: async (shopId: string) => demoGateway(db.prisma, shopId),
  appUrl: server.url,
  secret: TEST_API_SECRET,
  now: () => at,
});

/** orders/create (signed, at the built server) for a buyer with this locale, then the worker sends it. */
async function orderAndSend(id: number, locale: string) {
  const t0 = new Date();
  const payload = orderPayload(SHOP, { id, locale });
  const res = await deliverWebhook(server.url, {
    topic: "orders/create",
    shop: SHOP,
    body: JSON.stringify(payload),
    secret: TEST_API_SECRET,
    webhookId: randomUUID(),
  });
  expect(res.status).toBe(200);
  const smtp = await startSmtp();
  const transport = smtpTransport(smtp.url);
  try {
    expect(await runBatch(delivery(transport, new Date(t0.getTime() + 73 * HOUR)))).toMatchObject({ sent: 1 });
  } finally {
    transport.close();
    await smtp.close();
  }
  const raw = smtp.received[0]!.raw;
  const row = await db.prisma.outboxMessage.findFirstOrThrow({
    where: { orderShopifyId: `gid://shopify/Order/${id}` },
  });
  const unsubscribe = headerOf(raw, "List-Unsubscribe")!.split(/,\s*/)[0]!.slice(1, -1);
  return {
    raw,
    body: decodedBody(raw),
    row,
    content: JSON.parse(row.content) as { firstName: string; discountCode: string },
    unsubscribe,
  };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { "User-Agent": BROWSER_UA, ...headers } });
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER_UA, ...headers },
    body,
  });

describe("the follow-up email in the buyer's language", () => {
  it("GIVEN a Swiss German buyer and an offer without German copy THEN German fixed texts and money around the English copy, and a German unsubscribe page", async () => {
    const { body, row, content, unsubscribe } = await orderAndSend(7001, "de-CH");
    expect(row).toMatchObject({ locale: "en", buyerLocale: "de-CH" });
    for (const s of [
      `Hallo ${content.firstName},`,
      "Danke für deine Bestellung: Studio ANC Headset.",
      `${usd("de-CH", 21.52)} statt ${usd("de-CH", 26.9)} (Du sparst ${usd("de-CH", 5.38)})`,
      `Dein persönlicher Code: ${content.discountCode}`,
      "Du erhältst diese E-Mail, weil du Nachrichten von Northfold Outfitters zugestimmt hast.",
      "Von diesen E-Mails abmelden",
      '<html lang="de">',
      "Complete your sound", // the engine's copy: English, the offer has no German
      "Add the cable",
    ]) {
      expect(body).toContain(s);
    }
    expect(englishFragments.length).toBeGreaterThanOrEqual(8);
    for (const fragment of englishFragments) expect(body).not.toContain(fragment);

    const page = await get(unsubscribe);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("<title>Abmelden</title>");
    expect(html).toContain("Keine Folgeangebote mehr von Northfold erhalten?");
    expect(html).not.toContain("Stop receiving");
    // The confirmation button (a form POST, not one-click) answers in German too.
    const confirmed = await post(unsubscribe, "");
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Du erhältst keine Folgeangebote von Northfold mehr.");
    expect(
      await db.prisma.emailUnsubscribe.count({ where: { shopId: shop.id, emailHash: emailHash("jon@example.com") } }),
    ).toBe(1);
  });

  it("GIVEN a French buyer THEN French copy and French fixed texts; one-click answers in French; the page then says so in French", async () => {
    const { body, row, unsubscribe, content } = await orderAndSend(7002, "fr");
    expect(row).toMatchObject({ locale: "fr", buyerLocale: "fr" });
    for (const s of [
      `Bonjour ${content.firstName},`,
      "Merci pour votre commande\u00a0: Studio ANC Headset.",
      "Complétez votre son",
      `Vous économisez ${usd("fr", 5.38)}`,
      "Se désabonner de ces e-mails",
      '<html lang="fr">',
    ]) {
      expect(body).toContain(s);
    }
    for (const fragment of englishFragments) expect(body).not.toContain(fragment);
    const oneClick = await post(unsubscribe, "List-Unsubscribe=One-Click");
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get("Content-Language")).toBe("fr");
    expect(await oneClick.text()).toContain("Vous êtes désabonné");
    const html = await (await get(unsubscribe)).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Vous ne recevrez plus d&#x27;offres de suivi de Northfold.");
  });

  it("GIVEN a language without a file (pt-BR) THEN the email and the page are English, the buyer's locale still kept", async () => {
    const { body, row, unsubscribe } = await orderAndSend(7003, "pt-BR");
    expect(row).toMatchObject({ locale: "en", buyerLocale: "pt-BR" });
    expect(body).toContain("Thank you for your order of Studio ANC Headset.");
    expect(body).toContain("Unsubscribe from these emails");
    expect(body).toContain('<html lang="en">');
    const html = await (await get(unsubscribe, { "Accept-Language": "de" })).text();
    expect(html).toContain("Stop receiving follow-up offers from Northfold?"); // the link's language wins over the browser's
  });

  it("GIVEN a row scheduled before the buyer's locale was kept THEN it renders in its copy's locale", async () => {
    await deliverWebhook(server.url, {
      topic: "orders/create",
      shop: SHOP,
      body: JSON.stringify(orderPayload(SHOP, { id: 7004, locale: "fr" })),
      secret: TEST_API_SECRET,
      webhookId: randomUUID(),
    });
    await db.prisma.outboxMessage.updateMany({ data: { buyerLocale: null } });
    const smtp = await startSmtp();
    const transport = smtpTransport(smtp.url);
    try {
      await runBatch(delivery(transport, new Date(Date.now() + 73 * HOUR)));
    } finally {
      transport.close();
      await smtp.close();
    }
    expect(decodedBody(smtp.received[0]!.raw)).toContain("Merci pour votre commande");
  });
});

describe("pages reached without the buyer's locale", () => {
  it("GIVEN an unsubscribe link from before (no language in it) THEN the browser's Accept-Language", async () => {
    const token = signUnsubscribe(TEST_API_SECRET, {
      shopId: shop.id,
      emailHash: emailHash("jon@example.com"),
      customerId: null,
      issuedAt: 1,
    });
    const html = await (
      await get(`${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`, {
        "Accept-Language": "pt-BR,de;q=0.8,en;q=0.5",
      })
    ).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("Keine Folgeangebote mehr von Northfold erhalten?");
  });

  it("GIVEN a forged unsubscribe link THEN 400 in the browser's language, with no form", async () => {
    const token = signUnsubscribe("not-the-secret", {
      shopId: shop.id,
      emailHash: emailHash("jon@example.com"),
      customerId: null,
      issuedAt: 1,
      locale: "de",
    });
    const page = await get(`${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`, {
      "Accept-Language": "fr-FR,fr;q=0.9",
    });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Ce lien de désabonnement n&#x27;est pas valide.");
    expect(html).not.toContain("<form");
    const posted = await post(
      `${server.url}/email/unsubscribe?t=${encodeURIComponent(token)}`,
      "List-Unsubscribe=One-Click",
      { "Accept-Language": "de" },
    );
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain("Dieser Abmeldelink ist ungültig.");
    expect(await db.prisma.emailUnsubscribe.count()).toBe(0);
  });

  it("GIVEN the tracked link tampered, or for a message not sent yet THEN the refusal is in the browser's, resp. the buyer's language", async () => {
    const tampered = await get(`${server.url}/email/click?t=bad.token`, { "Accept-Language": "nl" });
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toBe("Deze link is niet geldig.");
    await deliverWebhook(server.url, {
      topic: "orders/create",
      shop: SHOP,
      body: JSON.stringify(orderPayload(SHOP, { id: 7005, locale: "es-MX" })),
      secret: TEST_API_SECRET,
      webhookId: randomUUID(),
    });
    const row = await db.prisma.outboxMessage.findFirstOrThrow();
    const gone = await get(`${server.url}/email/click?t=${encodeURIComponent(signClick(TEST_API_SECRET, row.id))}`, {
      "Accept-Language": "de",
    });
    expect(gone.status).toBe(404);
    expect(gone.headers.get("Content-Language")).toBe("es");
    expect(await gone.text()).toBe("Esta oferta ya no está disponible.");
  });
});

describe("the locale files", () => {
  it("GIVEN every file in app/email/locales THEN it has the default file's keys and placeholders, and the app serves it", () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(LOCALES, file), "utf8")) as Messages;
    const expected = [...placeholdersByKey(read("en.default.json"))].sort();
    const files = readdirSync(LOCALES).filter((f) => f.endsWith(".json"));
    expect(files.map((f) => f.split(".")[0]).sort()).toEqual(Object.keys(EMAIL_LANGUAGES).sort());
    for (const file of files) expect([...placeholdersByKey(read(file))].sort(), file).toEqual(expected);
  });
});
