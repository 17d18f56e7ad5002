/**
 * `npm run demo:traffic`'s automatic allocation (decision 030): the demo's laptop protection plan
 * experiment (full price against 15% off) is switched to automatic allocation and the daily job is
 * run once, now, after the traffic: its weights come from the completed days the traffic covered
 * (every day before today, UTC), never from today's, as the server's job does after midnight. The
 * traffic itself was walked under the weights published before it; the new split applies from now.
 */
import type { PrismaClient } from "@prisma/client";
import { allocateShop } from "~/allocation/allocate.server";
import { demoGateway } from "~/gateway/demo.server";
import { DEMO_SHOP } from "./seed.server";

/** The demo experiment put on automatic allocation (its id carries the demo shop's suffix). */
export const AUTOMATIC_DEMO_EXPERIMENT = "demo-laptop-care-price";

export async function runDemoAllocation(
  prisma: PrismaClient,
  now: Date,
  log: (line: string) => void,
): Promise<{ experimentId: string; before: Record<string, number>; after: Record<string, number> } | null> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP.domain } });
  const x = await prisma.experiment.findFirst({
    where: { shopId: shop.id, id: { startsWith: `${AUTOMATIC_DEMO_EXPERIMENT}-` }, status: "running" },
    include: { offer: { select: { variants: { select: { id: true, name: true, weight: true } } } } },
  });
  if (!x) {
    log(`Automatic allocation: the demo experiment ${AUTOMATIC_DEMO_EXPERIMENT} is not running; nothing re-weighted.`);
    return null;
  }
  if (x.allocation !== "automatic")
    await prisma.experiment.update({ where: { id: x.id }, data: { allocation: "automatic" } });
  const live = x.offer.variants.filter((v) => v.weight > 0);
  const sum = live.reduce((s, v) => s + v.weight, 0);
  const before = Object.fromEntries(
    live.map((v) => [v.id, Math.round(((v.weight / sum) * (10000 - x.holdoutBps)) as number)]),
  );
  const { results, publish } = await allocateShop(prisma, shop, demoGateway(prisma, shop.id), now);
  const mine = results.find((r) => r.experimentId === x.id);
  if (!mine) return null;
  const name = (id: string) => live.find((v) => v.id === id)?.name ?? id;
  const pct = (bp: number) => `${(bp / 100).toFixed(1)}%`;
  log(
    `Automatic allocation of ${x.id} (hold-out ${pct(x.holdoutBps)} unchanged, version ${x.version} unchanged): ` +
      live.map((v) => `${name(v.id)} ${pct(before[v.id] ?? 0)} -> ${pct(mine.weights[v.id] ?? 0)}`).join(", ") +
      ` of all buyers, from the days before ${mine.day}` +
      (mine.created
        ? publish?.ok
          ? "; published."
          : `; publishing failed: ${publish?.error ?? "unknown"}`
        : " (already computed today: same weights)."),
  );
  return { experimentId: x.id, before, after: mine.weights };
}
