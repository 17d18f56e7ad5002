import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SignJWT } from "jose";
import { EventInput } from "~/measurement/contract";
import { EventQueue, exposureEvents, type Host, type OfferEvent } from "@moments/surfaces/checkout";
import { freshDatabase, type TestDatabase } from "../../../tests/support/db";
import { seedExperiment } from "../../../tests/measurement.helpers";
import {
  BROWSER_UA,
  realModeEnv,
  startServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type RunningServer,
} from "../../../tests/support/server";

/**
 * The extension's event sender against the real backend: the built app, a checkout session token
 * signed like Shopify signs it (HS256, app secret), POST /api/events. Checks the wire format the
 * two sides share (app/measurement/contract.ts), not the endpoint's own rules.
 */
const DOMAIN = "journey-events.myshopify.com";
let db: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  db = freshDatabase("checkout-events");
  const shop = await db.prisma.shop.create({
    data: { domain: DOMAIN, name: "Journey events", currency: "EUR", settings: { create: {} } },
  });
  // The experiment the events name, as the admin stores it (exposures of unknown experiments are refused).
  await seedExperiment(db.prisma, shop.id, {
    id: "demo-laptop-care-price",
    offerId: "demo-laptop-care",
    variants: ["full", "minus15"],
  });
  server = await startServer(realModeEnv(db.url));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db?.prisma.$disconnect();
});

const sessionToken = () => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    dest: `https://${DOMAIN}`,
    aud: TEST_API_KEY,
    sub: "gid://shopify/Customer/1",
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(TEST_API_SECRET));
};

const sample = (type: OfferEvent["type"], extra: Partial<OfferEvent> = {}): Omit<OfferEvent, "id" | "occurredAt"> => ({
  type,
  moment: "payment",
  surface: "checkout",
  journeyKey: "checkout-token-1",
  offerId: "demo-laptop-care",
  arm: "variant",
  experimentId: "demo-laptop-care-price",
  armId: "full",
  device: "desktop",
  country: "DE",
  currency: "EUR",
  returning: false,
  ...extra,
});

describe("extension events -> /api/events", () => {
  test("GIVEN a queued impression, click, accept, decline and a hold-out exposure WHEN flushed THEN the backend accepts every one", async () => {
    const host = { sessionToken: { get: sessionToken } } as unknown as Host;
    const answers: unknown[] = [];
    const sent: OfferEvent[] = [];
    const q = new EventQueue(
      () => host,
      () => server.url,
      async (url, init) => {
        sent.push(...(JSON.parse(init.body) as { events: OfferEvent[] }).events);
        const r = await fetch(url, {
          ...init,
          headers: { ...init.headers, Origin: `https://${DOMAIN}`, "User-Agent": BROWSER_UA },
        });
        answers.push(
          await r
            .clone()
            .json()
            .catch(() => r.status),
        );
        return r;
      },
      60_000,
    );
    q.push(sample("impression"));
    q.push(sample("click"));
    q.push(sample("accept", { valueMinor: 11990 }));
    q.push(
      sample("decline", {
        offerId: "demo-drill-case",
        moment: "checkout",
        arm: "none",
        experimentId: undefined,
        armId: undefined,
      }),
    );
    // A hold-out buyer sends only the exposure, built as the component builds it.
    const [exposure] = exposureEvents(
      [
        {
          experimentId: "demo-laptop-care-price",
          version: 1,
          offerId: "demo-laptop-care",
          moment: "payment",
          arm: "holdout",
          slot: 1,
          cartMinor: 119900,
          currency: "EUR",
        },
      ],
      "tok-holdout",
      "checkout",
      { device: "desktop", country: "DE" },
    );
    q.push(exposure!, exposure!.id);
    await q.flush();
    for (const e of sent) expect(EventInput.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(answers, JSON.stringify(answers)).toHaveLength(1);
    expect(answers[0], JSON.stringify(answers)).toHaveProperty("results");
    const results = (answers[0] as { results: Array<{ status: string }> }).results;
    expect(results.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted", "accepted", "accepted"]);
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: DOMAIN } });
    expect(
      await (db.prisma as unknown as { event: { count(a: object): Promise<number> } }).event.count({
        where: { shopId: shop.id },
      }),
    ).toBe(5);
  });
});
