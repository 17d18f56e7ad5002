import type { PrismaClient } from "@prisma/client";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { buildPayload } from "~/publish/publish.server";
import { parseOrderCreated, type OrderCreated } from "~/orders/order-payload.server";
import { scheduleFollowUp } from "~/email/schedule.server";
import { samplePayload } from "./support/webhooks";

/** Test data for the follow-up email suites: one shop, a headset that triggers a cable offer. */
export const HEADSET = { product: "gid://shopify/Product/8100000006", variant: "gid://shopify/ProductVariant/4600000600" };
export const CABLE = { product: "gid://shopify/Product/8100000007", variant: "gid://shopify/ProductVariant/4600000700" };
export const APP_URL = "https://moments.test";

export async function seedEmailShop(prisma: PrismaClient, domain: string, opts: { isDemo?: boolean; delayHours?: number } = {}) {
  const shop = await prisma.shop.create({
    data: {
      domain,
      name: "Northfold",
      currency: "USD",
      isDemo: opts.isDemo ?? false,
      settings: { create: { emailSenderName: "Northfold Outfitters", emailSenderAddress: "hello@northfold.example", emailDelayHours: opts.delayHours ?? 48 } },
    },
  });
  await prisma.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: "shpat_test", scope: "read_products" },
  });
  const offer = await addEmailOffer(prisma, shop.id);
  return { shop, offer };
}

/** Shopify's sample orders/create, reduced to one headset line bought by a buyer. */
export function orderPayload(shopDomain: string, o: { id: number; email?: string; consent?: "subscribed" | "not_subscribed" | "unsubscribed"; locale?: string; customerId?: number }) {
  const p = samplePayload("orders/create", shopDomain) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  p.id = o.id;
  p.admin_graphql_api_id = `gid://shopify/Order/${o.id}`;
  p.name = `#${o.id}`;
  p.email = o.email ?? "jon@example.com";
  p.customer_locale = o.locale ?? "en";
  p.customer = { ...p.customer, id: o.customerId ?? 115310627314723, admin_graphql_api_id: `gid://shopify/Customer/${o.customerId ?? 115310627314723}`, email: p.email, email_marketing_consent: { state: o.consent ?? "subscribed" } };
  p.line_items = [{ ...p.line_items[0], title: "Studio ANC Headset", product_id: 8100000006, variant_id: 4600000600, quantity: 1 }];
  return p;
}

export function parsedOrder(shopDomain: string, o: Parameters<typeof orderPayload>[1]): OrderCreated {
  return parseOrderCreated(orderPayload(shopDomain, o));
}

/** Schedules the follow-up the way orders/create does (in a transaction), at `now`. */
export async function schedule(prisma: PrismaClient, shop: { id: string; domain: string }, order: OrderCreated, now: Date) {
  return prisma.$transaction((tx) => scheduleFollowUp(tx, { shopId: shop.id, shopDomain: shop.domain, orderRowId: "row", order }, { now, appUrl: APP_URL }));
}

export interface Received {
  raw: string;
  messageId: string;
  to: string[];
}

/** An SMTP server on loopback that keeps what it accepts; `onMessage` may refuse (throw) or kill. */
export async function startSmtp(hooks: { onData?: (n: number) => Error | void | Promise<Error | void>; onMailFrom?: (n: number) => void | Promise<void> } = {}) {
  const received: Received[] = [];
  let dataCount = 0;
  let mailCount = 0;
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onMailFrom(_address, _session, callback) {
      mailCount++;
      Promise.resolve(hooks.onMailFrom?.(mailCount)).then(() => callback(), callback);
    },
    onData(stream, session, callback) {
      dataCount++;
      const n = dataCount;
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", () => undefined);
      stream.on("end", async () => {
        const refusal = await hooks.onData?.(n);
        if (refusal) return callback(refusal);
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          raw,
          messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? "",
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    attempts: () => dataCount,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A refusal the way an MTA says "try again later". */
export const tempFailure = (text = "Try again later") => Object.assign(new Error(text), { responseCode: 451 });

/** An RFC 5322 header of a raw message, unfolded. */
export function headerOf(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(head);
  return m ? m[1]!.trim() : null;
}

/** The message with quoted-printable bodies decoded (good enough to search text and links). */
export function decodedBody(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** The cable product and an active email offer for it (triggered by the headset), published. */
export async function addEmailOffer(prisma: PrismaClient, shopId: string) {
  // The demo store's own catalog already has the cable under the same ids.
  if (!(await prisma.demoProduct.findUnique({ where: { id: CABLE.product } }))) await prisma.demoProduct.create({
    data: {
      id: CABLE.product,
      shopId,
      title: "Premium Braided Audio Cable",
      handle: "cable",
      vendor: "Voltline",
      productType: "Accessory",
      imageUrl: "https://cdn.example/cable.png",
      variants: { create: [{ id: CABLE.variant, title: "1.5 m", priceEurMinor: 2490, priceUsdMinor: 2690 }] },
    },
  });
  const definition = {
    type: "product",
    moments: ["email"],
    priority: 10,
    items: [{ productId: CABLE.product, variantId: CABLE.variant, quantity: 1, prices: { USD: 2690, EUR: 2490 } }],
    discount: { kind: "percent", percent: 20 },
    copy: {
      en: { title: "Complete your sound", body: "The braided cable your headset deserves.", cta: "Add the cable" },
      fr: { title: "Complétez votre son", body: "Le câble tressé que votre casque mérite.", cta: "Ajouter le câble" },
    },
    targeting: { products: [HEADSET.product] },
  };
  const offer = await prisma.offer.create({
    data: { shopId, name: "Cable after headset", type: "product", status: "active", definition: JSON.stringify(definition), moments: { create: [{ moment: "email" }] } },
  });
  const { json, offers } = await buildPayload(prisma, shopId, new Date());
  if (offers < 1) throw new Error("fixture offer did not validate");
  const published = { payload: json, bytes: json.length, offerCount: offers, publishedAt: new Date() };
  await prisma.publication.upsert({ where: { shopId }, create: { shopId, ...published }, update: published });
  return offer;
}
