/**
 * THE write path of offers: the engine definition (what gets published), the denormalised columns
 * (name, type, status, priority, schedule, OfferMoment rows) and the experiment rows (Experiment +
 * OfferVariant: names, lifecycle, ExperimentVersion) change together, in one transaction, so they
 * never disagree about what buyers see.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import type { Offer } from "@moments/engine";
import { offerFromRow } from "~/publish/publish.server";
import { experimentSpec, type StoredVariant } from "./form";
import { notFound } from "./offer-rows.server";
import { configuredShares, describeChange, experimentFingerprint } from "./versions";

export interface ExperimentState {
  id: string;
  status: "draft" | "running" | "stopped" | "archived";
  holdoutBps: number;
  variants: StoredVariant[];
  winnerArmId?: string | null;
  startedAt?: Date | null;
  stoppedAt?: Date | null;
  archivedAt?: Date | null;
  /** Set by the write path: the version buyers see after this write. */
  version?: number;
}

/** A save that changed what buyers of a running experiment see: version `version` started. */
export interface VersionChange {
  experimentId: string;
  version: number;
  previous: number;
  reason: string;
}

/** What the editor saves: the offer, its name and experiment, and whether it is a free gift. */
interface OfferWrite {
  id: string;
  isNew: boolean;
  name: string;
  offer: Offer;
  experiment: ExperimentState | null;
  /** The merchant's "This is a free gift" (decision 032): admin-side only; absent = unchanged. */
  freeGift?: boolean;
}

/**
 * THE write path. Writes the offer's definition (with the experiment spec only while the
 * experiment runs: that is what gets published), its columns, moments and experiment rows, in one
 * transaction.
 */
export async function writeOffer(
  prisma: PrismaClient,
  shopId: string,
  input: OfferWrite & { now?: Date },
): Promise<{ versionStarted: VersionChange | null }> {
  const { offer, experiment } = input;
  const now = input.now ?? new Date();
  const definition: Offer = { ...offer };
  delete definition.experiment;
  if (experiment?.status === "running" && experiment.variants.length) {
    definition.experiment = experimentSpec(experiment.id, experiment.holdoutBps, experiment.variants, offer);
  }
  return prisma.$transaction(async (tx) => {
    const versionStarted = experiment
      ? await settleVersion(tx, shopId, input.isNew ? null : input.id, experiment, offer, definition, now)
      : null;
    await writeRows(tx, shopId, input, definition);
    return { versionStarted };
  });
}

type Tx = Prisma.TransactionClient;

/**
 * Keeps ExperimentVersion in step with what buyers see: version 1 is created lazily (a new
 * experiment, or one from before versions existed); while the experiment runs, a new fingerprint
 * ends the current version and starts the next; archiving ends it. Sets `definition.experiment.version`
 * (published: the engine logs it in every exposure) and returns the change the merchant is told about.
 */
async function settleVersion(
  tx: Tx,
  shopId: string,
  existingOfferId: string | null,
  experiment: ExperimentState,
  offer: Offer,
  definition: Offer,
  now: Date,
): Promise<VersionChange | null> {
  const stored = await tx.experiment.findFirst({ where: { id: experiment.id, shopId }, select: { version: true } });
  const current = await tx.experimentVersion.findFirst({
    where: { shopId, experimentId: experiment.id },
    orderBy: { version: "desc" },
  });
  const spec = definition.experiment;
  if (experiment.status === "archived") {
    if (current && !current.endedAt)
      await tx.experimentVersion.update({
        where: { shopId_experimentId_version: { shopId, experimentId: experiment.id, version: current.version } },
        data: { endedAt: now },
      });
    return null;
  }
  if (experiment.status !== "running" || !spec) return null;
  const fingerprint = experimentFingerprint(offer, spec);
  const create = (
    version: number,
    startedAt: Date,
    s: NonNullable<Offer["experiment"]>,
    fp: string,
    reason: string,
    endedAt: Date | null = null,
  ) =>
    tx.experimentVersion.create({
      data: {
        shopId,
        experimentId: experiment.id,
        version,
        startedAt,
        endedAt,
        holdoutBps: s.holdoutBps,
        shares: JSON.stringify(configuredShares(s.holdoutBps, s.variants)),
        fingerprint: fp,
        reason,
      },
    });
  // What buyers saw before this save: the stored definition carries the spec while it ran.
  const previousRow = existingOfferId
    ? await tx.offer.findFirst({
        where: { id: existingOfferId, shopId },
        select: { id: true, status: true, definition: true },
      })
    : null;
  const previous = previousRow ? offerFromRow(previousRow) : null;
  const previousSpec = previous?.experiment?.id === experiment.id ? previous.experiment : undefined;

  let version = current?.version ?? stored?.version ?? 1;
  let change: VersionChange | null = null;
  if (!current) {
    const previousFingerprint = previous && previousSpec ? experimentFingerprint(previous, previousSpec) : null;
    if (previous && previousSpec && previousFingerprint !== fingerprint) {
      // An experiment from before versions, edited while running: its data so far is version N.
      await create(version, experiment.startedAt ?? now, previousSpec, previousFingerprint!, "", now);
      const reason = describeChange({ offer: previous, spec: previousSpec }, { offer, spec });
      await create(version + 1, now, spec, fingerprint, reason);
      change = { experimentId: experiment.id, version: version + 1, previous: version, reason };
      version += 1;
    } else {
      await create(version, experiment.startedAt ?? now, spec, fingerprint, "");
    }
  } else if (current.fingerprint !== fingerprint) {
    const reason = describeChange(previous && previousSpec ? { offer: previous, spec: previousSpec } : null, {
      offer,
      spec,
    });
    if (!current.endedAt)
      await tx.experimentVersion.update({
        where: { shopId_experimentId_version: { shopId, experimentId: experiment.id, version: current.version } },
        data: { endedAt: now },
      });
    version = current.version + 1;
    await create(version, now, spec, fingerprint, reason);
    change = { experimentId: experiment.id, version, previous: current.version, reason };
  }
  definition.experiment = { ...spec, version };
  if (stored && stored.version !== version)
    await tx.experiment.update({ where: { id: experiment.id }, data: { version } });
  experiment.version = version;
  return change;
}

async function writeRows(tx: Tx, shopId: string, input: OfferWrite, definition: Offer): Promise<void> {
  const { offer, experiment } = input;
  const columns = {
    name: input.name,
    type: offer.type,
    status: offer.status,
    priority: offer.priority,
    startsAt: offer.startsAt === undefined ? null : new Date(offer.startsAt),
    endsAt: offer.endsAt === undefined ? null : new Date(offer.endsAt),
    definition: JSON.stringify(definition),
    ...(input.freeGift === undefined ? {} : { freeGift: input.freeGift }),
  };
  {
    if (input.isNew) await tx.offer.create({ data: { id: input.id, shopId, ...columns } });
    else {
      const { count } = await tx.offer.updateMany({ where: { id: input.id, shopId }, data: columns });
      if (count !== 1) throw notFound();
    }
    await tx.offerMoment.deleteMany({ where: { offerId: input.id } });
    await tx.offerMoment.createMany({ data: offer.moments.map((moment) => ({ offerId: input.id, moment })) });
    const keep = experiment?.variants.map((v) => v.id) ?? [];
    await tx.offerVariant.deleteMany({ where: { offerId: input.id, id: { notIn: keep } } });
    if (!experiment) {
      await tx.experiment.deleteMany({ where: { shopId, offerId: input.id } });
      return;
    }
    for (const [i, v] of experiment.variants.entries()) {
      const data = { name: v.name, weight: v.weight, isControl: i === 0, overrides: JSON.stringify(v.overrides) };
      await tx.offerVariant.upsert({
        where: { id: v.id },
        create: { id: v.id, offerId: input.id, ...data },
        update: data,
      });
    }
    const row = {
      status: experiment.status,
      holdoutBps: experiment.holdoutBps,
      winnerArmId: experiment.winnerArmId ?? null,
      startedAt: experiment.startedAt ?? null,
      stoppedAt: experiment.stoppedAt ?? null,
      archivedAt: experiment.archivedAt ?? null,
      ...(experiment.version ? { version: experiment.version } : {}),
    };
    await tx.experiment.upsert({
      where: { id: experiment.id },
      create: { id: experiment.id, shopId, offerId: input.id, ...row },
      update: row,
    });
  }
}
