/**
 * Offers in the database. ONE write path (`writeOffer`, ./offer-write.server.ts) keeps the engine
 * definition (what gets published), the denormalised columns (name, type, status, priority,
 * schedule, OfferMoment rows) and the experiment rows (Experiment + OfferVariant: names, lifecycle)
 * in sync. Every query is scoped by `shopId`; an id from another shop is "not found" (404), never
 * someone else's row. This module holds the merchant's actions (save, status, experiment commands)
 * and re-exports the reads, the form checks and the write path, so callers import from one place.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient, Shop } from "@prisma/client";
import type { ShopGateway } from "~/gateway/types";
import type { AdminT } from "~/i18n/catalogue";
import { offerFromRow, publishShop, type PublishOutcome } from "~/publish/publish.server";
import { experimentSpec, type FieldErrors, type OfferForm } from "./form";
import { downsellChoices, shopPriceFloor, validateOfferForm } from "./offer-form.server";
import { notFound, offerInclude, requireOffer, storedVariants, type OfferRow } from "./offer-rows.server";
import { writeOffer, type ExperimentState, type VersionChange } from "./offer-write.server";

export {
  catalogPrices,
  downsellChoices,
  parseOfferFormJson,
  shopPriceFloor,
  validateOfferForm,
  type ValidationResult,
} from "./offer-form.server";
export {
  OFFER_STATUS_FILTERS,
  listOffers,
  loadOfferForm,
  notFound,
  requireOffer,
  storedVariants,
  type OfferRow,
} from "./offer-rows.server";
export { writeOffer, type VersionChange } from "./offer-write.server";

const armId = () => `v${randomUUID().replace(/-/g, "").slice(0, 11)}`;

export type SaveResult =
  | { ok: true; id: string; publish: PublishOutcome; versionStarted: VersionChange | null }
  | { ok: false; errors: FieldErrors };

/** Saves the form as a new offer (`id` null) or over the shop's existing one, then republishes. */
export async function saveOfferForm(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  id: string | null,
  form: OfferForm,
  options: { t?: AdminT } = {},
): Promise<SaveResult> {
  const existing = id ? await requireOffer(prisma, shop.id, id) : null;
  const offerId = existing?.id ?? `off_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  // Arms keep their ids (assignment is by arm id): existing ones only if they belong to this offer.
  const own = new Set(existing?.variants.map((v) => v.id));
  const armIds = form.experiment.variants.map((v) => (v.id && own.has(v.id) ? v.id : armId()));
  // "When declined, show" may name the shop's own other offers only (checked here, on the server).
  const downsells = await downsellChoices(prisma, shop.id, existing?.id ?? null);
  const floor = await shopPriceFloor(prisma, shop.id);
  const valid = await validateOfferForm(form, offerId, gateway, armIds, downsells, options.t, floor);
  if (!valid.ok) return valid;
  // An archived experiment is history: turning experiments on again starts a new one.
  const previous = existing?.experiments[0]?.status === "archived" ? undefined : existing?.experiments[0];
  // A new experiment starts when the offer is saved live; on a draft offer it waits as a draft
  // (no version, no start date: no buyer can see it) and starts when the offer goes live; so does
  // one saved on a paused offer. A stopped one stays stopped; a running one of a paused offer shows
  // as paused (experiments/status.ts) and goes on, same version, when the offer is resumed.
  const waiting = !previous || previous.status === "draft";
  const startNow = waiting && form.status === "active";
  const experiment: ExperimentState | null = form.experiment.enabled
    ? {
        id: previous?.id ?? `exp_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
        status: waiting ? (startNow ? "running" : "draft") : (previous!.status as ExperimentState["status"]),
        holdoutBps: valid.holdoutBps,
        variants: valid.variants,
        winnerArmId: previous?.winnerArmId,
        startedAt: startNow ? new Date() : (previous?.startedAt ?? null),
        stoppedAt: previous?.stoppedAt,
      }
    : null;
  const { versionStarted } = await writeOffer(prisma, shop.id, {
    id: offerId,
    isNew: !existing,
    name: form.name.trim(),
    offer: valid.offer,
    experiment,
    freeGift: form.freeGift === true,
  });
  // Fixed or automatic allocation (decision 030): not part of what buyers see, so never a new version.
  if (experiment && form.experiment.allocation)
    await prisma.experiment.updateMany({
      where: { id: experiment.id, shopId: shop.id },
      data: { allocation: form.experiment.allocation },
    });
  const publish = await publishShop(prisma, shop, gateway);
  return { ok: true, id: offerId, publish, versionStarted };
}

/** Pause / resume / archive the shop's offers (all ids must be the shop's, else 404 and no change). */
export async function setOffersStatus(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  ids: string[],
  status: "active" | "paused" | "archived",
) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return null;
  const rows = await prisma.offer.findMany({ where: { shopId: shop.id, id: { in: unique } }, include: offerInclude });
  if (rows.length !== unique.length) throw notFound();
  for (const row of rows) {
    const offer = offerFromRow(row);
    if (!offer) {
      await prisma.offer.updateMany({ where: { id: row.id, shopId: shop.id }, data: { status } });
      continue;
    }
    const experiment = experimentStateOf(row);
    // A draft offer's experiment starts when the offer goes live: version 1 from now.
    if (status === "active" && experiment?.status === "draft")
      Object.assign(experiment, { status: "running", startedAt: new Date() });
    await writeOffer(prisma, shop.id, {
      id: row.id,
      isNew: false,
      name: row.name,
      offer: { ...offer, status },
      experiment,
    });
  }
  return publishShop(prisma, shop, gateway);
}

function experimentStateOf(row: OfferRow): ExperimentState | null {
  const e = row.experiments[0];
  if (!e || row.variants.length === 0) return null;
  return {
    id: e.id,
    status: e.status as ExperimentState["status"],
    holdoutBps: e.holdoutBps,
    variants: storedVariants(row),
    winnerArmId: e.winnerArmId,
    startedAt: e.startedAt,
    stoppedAt: e.stoppedAt,
    archivedAt: e.archivedAt,
  };
}

/** The offer whose experiment this is, or 404 (also for another shop's experiment). */
async function requireExperimentOffer(prisma: PrismaClient, shopId: string, experimentId: string) {
  const e = await prisma.experiment.findFirst({ where: { id: experimentId, shopId } });
  if (!e) throw notFound();
  const row = await requireOffer(prisma, shopId, e.offerId);
  const offer = offerFromRow(row);
  const state = experimentStateOf(row);
  if (!offer || !state || state.id !== e.id) throw notFound();
  return { row, offer, state };
}

export type ExperimentCommand =
  { kind: "start" } | { kind: "stop" } | { kind: "archive" } | { kind: "promote"; armId: string };

/**
 * Start / stop / archive an experiment, or promote a winner: the winner's overrides become the
 * offer itself and the experiment stops (everyone sees the winner, nobody is held out). Archived
 * experiments are history: never published again (the definition carries a spec only while
 * running) and not restartable. Whether a variant has earned promotion is the caller's check
 * (`promoteWinner` in app/experiments/report.server.ts re-checks the verdict).
 */
export async function runExperimentCommand(
  prisma: PrismaClient,
  shop: Shop,
  gateway: ShopGateway,
  experimentId: string,
  command: ExperimentCommand,
) {
  const { row, offer, state } = await requireExperimentOffer(prisma, shop.id, experimentId);
  let next = offer;
  const now = new Date();
  if (state.status === "archived")
    return {
      ok: false as const,
      error: "This experiment is archived; turn on an experiment in the offer to start a new one.",
    };
  if (command.kind === "start")
    Object.assign(state, { status: "running", startedAt: state.startedAt ?? now, stoppedAt: null });
  else if (command.kind === "stop") Object.assign(state, { status: "stopped", stoppedAt: now });
  else if (command.kind === "archive")
    Object.assign(state, { status: "archived", stoppedAt: state.stoppedAt ?? now, archivedAt: now });
  else {
    const winner = state.variants.find((v) => v.id === command.armId);
    if (!winner) return { ok: false as const, error: "That variant is not part of this experiment." };
    const spec = experimentSpec(state.id, state.holdoutBps, [winner], offer).variants[0]!;
    next = {
      ...offer,
      ...(spec.copy ? { copy: { ...offer.copy, ...spec.copy } } : {}),
      ...(spec.discount ? { discount: spec.discount } : {}),
      ...(spec.design ? { design: spec.design } : {}),
    };
    Object.assign(state, { status: "stopped", stoppedAt: now, winnerArmId: winner.id });
  }
  const { versionStarted } = await writeOffer(prisma, shop.id, {
    id: row.id,
    isNew: false,
    name: row.name,
    offer: next,
    experiment: state,
  });
  return { ok: true as const, publish: await publishShop(prisma, shop, gateway), versionStarted };
}
