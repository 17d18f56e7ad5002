import { afterAll, describe, expect, it } from "vitest";
import { WIRE_VERSION } from "@moments/engine";
import { ensureDemoOffers } from "~/demo/demo-offers";
import { ensureDemoShop } from "~/demo/seed.server";
import { demoGateway } from "~/gateway/demo.server";
import { getPublishedPayload, publishShop } from "~/publish/publish.server";
import { republishStalePayloads } from "~/publish/republish.server";
import { freshDatabase } from "./support/db";
import { demoModeEnv, startServer } from "./support/server";

const db = freshDatabase("republish");
afterAll(() => db.prisma.$disconnect());

/** The shop's publication as an extension deployed before the current wire version would have it. */
async function publishedInVersion1(shopId: string) {
  const shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  expect((await publishShop(db.prisma, shop, demoGateway(db.prisma, shopId))).ok).toBe(true);
  const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId } });
  const v1 = row.payload.replace(`{"v":${WIRE_VERSION},`, '{"v":1,');
  await db.prisma.publication.update({ where: { shopId }, data: { payload: v1, publishedAt: new Date(0) } });
  return v1;
}

describe("republishing payloads of an older wire version", () => {
  it("GIVEN a shop published in wire version 1 WHEN the stale pass runs THEN it is published again in the current version with the same offers", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    await ensureDemoOffers(db.prisma, shopId);
    await publishedInVersion1(shopId);
    const before = await getPublishedPayload(db.prisma, shopId);

    const result = await republishStalePayloads(db.prisma, async (shop) => demoGateway(db.prisma, shop.id));

    expect(result).toEqual({ republished: 1, failed: 0 });
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { shopId } });
    expect(row.payload.startsWith(`{"v":${WIRE_VERSION},`)).toBe(true);
    expect(row.publishedAt.getTime()).toBeGreaterThan(0);
    expect((await getPublishedPayload(db.prisma, shopId))!.offers).toEqual(before!.offers);
  });

  it("GIVEN every shop in the current version WHEN the stale pass runs THEN nothing is published", async () => {
    const result = await republishStalePayloads(db.prisma, () => Promise.reject(new Error("no gateway expected")));
    expect(result).toEqual({ republished: 0, failed: 0 });
  });

  it("GIVEN a shop whose gateway cannot be reached WHEN the stale pass runs THEN it counts as failed and the pass goes on", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    await publishedInVersion1(shopId);
    const result = await republishStalePayloads(db.prisma, () => Promise.reject(new Error("token revoked")));
    expect(result).toEqual({ republished: 0, failed: 1 });
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { shopId } })).payload.startsWith('{"v":1,')).toBe(
      true,
    );
  });

  it("GIVEN a stale publication WHEN the built server starts THEN it republishes the shop in the background", async () => {
    const { shopId } = await ensureDemoShop(db.prisma);
    await publishedInVersion1(shopId);
    const server = await startServer(demoModeEnv(db.url));
    try {
      await expect
        .poll(
          async () =>
            (await db.prisma.publication.findUniqueOrThrow({ where: { shopId } })).payload.startsWith(
              `{"v":${WIRE_VERSION},`,
            ),
          {
            timeout: 15_000,
          },
        )
        .toBe(true);
    } finally {
      await server.stop();
    }
  });
});
