import type { PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "~/gateway/types";
import { notFound, runExperimentCommand } from "~/offers/offers.server";
import { experimentReports } from "./report.server";

export type PromoteOutcome = { ok: true } | { ok: false; error: string };

/**
 * Promotes a variant only when the current version's verdict (recomputed here, never taken from
 * the page that asked) says it is the winner against the hold-out.
 */
export async function promoteWinner(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  experimentId: string,
  armId: string,
): Promise<PromoteOutcome> {
  const experiment = await prisma.experiment.findFirst({
    where: { id: experimentId, shopId: shop.id },
    select: { id: true },
  });
  if (!experiment) throw notFound();
  const [report] = await experimentReports(prisma, shop.id, {
    experimentIds: [experimentId],
    includeWithoutData: true,
  });
  const version = report?.versions.find((v) => v.current);
  const comparison = version?.comparisons.find((c) => c.arm === armId);
  const name = report?.variants.find((v) => v.id === armId)?.name ?? "That variant";
  // Automatic allocation whose weights moved (decision 030): one arm against the hold-out is pooled
  // over epochs with different shares and may be biased, so it is no evidence to promote on.
  if (comparison && (comparison.pooled || comparison.valid === false))
    return {
      ok: false,
      error: `${name} was not promoted: under automatic allocation the weights moved during version ${version?.version ?? 1}, so a single variant's comparison with the hold-out may be biased. Only the pooled comparison of all variants stays valid.`,
    };
  if (!comparison?.verdict || comparison.verdict.kind !== "winner") {
    const why = comparison?.verdict
      ? `its verdict is "${comparison.verdict.kind}": ${comparison.verdict.reason}`
      : "it has no results yet";
    return {
      ok: false,
      error: `${name} was not promoted: in version ${version?.version ?? 1}, ${why}. Only a winner against the hold-out can be promoted.`,
    };
  }
  const result = await runExperimentCommand(prisma, shop, gateway, experimentId, { kind: "promote", armId });
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}
