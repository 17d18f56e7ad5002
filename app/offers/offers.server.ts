/**
 * Offers in the database. ONE write path (`writeOffer`) keeps the engine definition (what gets
 * published), the denormalised columns (name, type, status, priority, schedule, OfferMoment rows)
 * and the experiment rows (Experiment + OfferVariant: names, lifecycle) in sync. Every query is
 * scoped by `shopId`; an id from another shop is "not found" (404), never someone else's row.
 */
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient, Shop } from "@prisma/client";
import { z } from "zod";
import { DEVICES, MOMENT_IDS, OFFER_TYPES, OfferSchema, formatPath, type Offer } from "@moments/engine";
import type { ShopGateway } from "~/gateway/types";
import { offerFromRow, publishShop, type PublishOutcome } from "~/publish/publish.server";
import {
  experimentSpec,
  fieldKeyForPath,
  formToOffer,
  offerToForm,
  type FieldErrors,
  type OfferForm,
  type StoredVariant,
} from "./form";
import { configuredShares, describeChange, experimentFingerprint } from "./versions";

export const notFound = () => new Response("Not found", { status: 404 });

/** Currencies the admin asks amounts in: the catalog's (EUR and USD in the demo store) or the shop's. */
export function shopCurrencies(shop: Shop, demo: boolean): string[] {
  return demo ? ["EUR", "USD"] : [shop.currency];
}

const offerInclude = {
  moments: true,
  variants: { orderBy: { createdAt: "asc" } },
  experiments: { orderBy: { createdAt: "desc" }, take: 1 },
} satisfies Prisma.OfferInclude;
export type OfferRow = Prisma.OfferGetPayload<{ include: typeof offerInclude }>;

/** The shop's offer or a thrown 404 (also when the id belongs to another shop). */
export async function requireOffer(prisma: PrismaClient, shopId: string, id: string): Promise<OfferRow> {
  const row = await prisma.offer.findFirst({ where: { id, shopId }, include: offerInclude });
  if (!row) throw notFound();
  return row;
}

export function storedVariants(row: OfferRow): StoredVariant[] {
  return row.variants.map((v) => {
    let overrides: StoredVariant["overrides"] = {};
    try {
      overrides = JSON.parse(v.overrides) as StoredVariant["overrides"];
    } catch {
      overrides = {};
    }
    return { id: v.id, name: v.name, weight: v.weight, overrides };
  });
}

/** Loads the form for an existing offer (item titles looked up in the catalog). */
export async function loadOfferForm(prisma: PrismaClient, shop: Shop, gateway: ShopGateway, id: string, demo: boolean) {
  const row = await requireOffer(prisma, shop.id, id);
  const offer = offerFromRow(row);
  const currencies = shopCurrencies(shop, demo);
  if (!offer) return { row, form: null, currencies };
  const productIds = [...new Set([...offer.items.map((i) => i.productId), ...(offer.targeting?.products ?? [])])];
  const titles: Record<string, string> = {};
  try {
    for (const p of await gateway.getProducts(productIds)) {
      titles[p.id] = p.title;
      for (const v of p.variants) titles[v.id] = `${p.title} - ${v.title}`;
    }
  } catch {
    // Titles are cosmetic: the form still opens with ids when the catalog cannot be read.
  }
  const experiment = row.experiments[0];
  const form = offerToForm(offer, {
    name: row.name,
    currencies,
    titles,
    experiment:
      experiment && row.variants.length
        ? { holdoutBps: experiment.holdoutBps, variants: storedVariants(row) }
        : undefined,
  });
  return { row, form, currencies };
}

/** variantId -> per-currency unit prices from the catalog (never from the form). */
export async function catalogPrices(
  gateway: ShopGateway,
  productIds: string[],
): Promise<Record<string, Record<string, number>>> {
  const prices: Record<string, Record<string, number>> = {};
  for (const p of await gateway.getProducts([...new Set(productIds)]))
    for (const v of p.variants) prices[v.id] = { ...v.prices };
  return prices;
}

export type ValidationResult =
  { ok: true; offer: Offer; variants: StoredVariant[]; holdoutBps: number } | { ok: false; errors: FieldErrors };

/** Form -> engine offer, validated by the form rules and then the engine's own schema. */
export async function validateOfferForm(
  form: OfferForm,
  id: string,
  gateway: ShopGateway,
  armIds: string[] = [],
): Promise<ValidationResult> {
  let prices: Record<string, Record<string, number>> = {};
  try {
    prices = await catalogPrices(
      gateway,
      form.items.map((i) => i.productId),
    );
  } catch (error) {
    return {
      ok: false,
      errors: { items: `The catalog could not be read: ${error instanceof Error ? error.message : "unknown error"}` },
    };
  }
  const result = formToOffer(form, id, prices, armIds);
  if (!result.offer) return { ok: false, errors: result.errors };
  const parsed = OfferSchema.safeParse(result.offer);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues)
      errors[fieldKeyForPath(formatPath(issue.path))] ??= `Not accepted: ${issue.message}`;
    return { ok: false, errors };
  }
  return { ok: true, offer: parsed.data, variants: result.variants, holdoutBps: result.holdoutBps };
}

const armId = () => `v${randomUUID().replace(/-/g, "").slice(0, 11)}`;

interface ExperimentState {
  id: string;
  status: "draft" | "running" | "stopped" | "archived";
  holdoutBps: number;
  variants: StoredVariant[];
  winnerVariantId?: string | null;
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

/**
 * THE write path. Writes the offer's definition (with the experiment spec only while the
 * experiment runs: that is what gets published), its columns, moments and experiment rows, in one
 * transaction.
 */
export async function writeOffer(
  prisma: PrismaClient,
  shopId: string,
  input: { id: string; isNew: boolean; name: string; offer: Offer; experiment: ExperimentState | null; now?: Date },
): Promise<{ versionStarted: VersionChange | null }> {
  const { offer, experiment } = input;
  const now = input.now ?? new Date();
  const definition: Offer = { ...offer };
  delete definition.experiment;
  if (experiment?.status === "running" && experiment.variants.length) {
    definition.experiment = experimentSpec(experiment.id, experiment.holdoutBps, experiment.variants, offer);
  }
  return prisma.$transaction(async (tx) => {
    const versionStarted = experiment ? await settleVersion(tx, shopId, input.isNew ? null : input.id, experiment, offer, definition, now) : null;
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
  const current = await tx.experimentVersion.findFirst({ where: { shopId, experimentId: experiment.id }, orderBy: { version: "desc" } });
  const spec = definition.experiment;
  if (experiment.status === "archived") {
    if (current && !current.endedAt) await tx.experimentVersion.update({ where: { shopId_experimentId_version: { shopId, experimentId: experiment.id, version: current.version } }, data: { endedAt: now } });
    return null;
  }
  if (experiment.status !== "running" || !spec) return null;
  const fingerprint = experimentFingerprint(offer, spec);
  const create = (version: number, startedAt: Date, s: NonNullable<Offer["experiment"]>, fp: string, reason: string, endedAt: Date | null = null) =>
    tx.experimentVersion.create({
      data: { shopId, experimentId: experiment.id, version, startedAt, endedAt, holdoutBps: s.holdoutBps, shares: JSON.stringify(configuredShares(s.holdoutBps, s.variants)), fingerprint: fp, reason },
    });
  // What buyers saw before this save: the stored definition carries the spec while it ran.
  const previousRow = existingOfferId ? await tx.offer.findFirst({ where: { id: existingOfferId, shopId }, select: { id: true, status: true, definition: true } }) : null;
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
    const reason = describeChange(previous && previousSpec ? { offer: previous, spec: previousSpec } : null, { offer, spec });
    if (!current.endedAt) await tx.experimentVersion.update({ where: { shopId_experimentId_version: { shopId, experimentId: experiment.id, version: current.version } }, data: { endedAt: now } });
    version = current.version + 1;
    await create(version, now, spec, fingerprint, reason);
    change = { experimentId: experiment.id, version, previous: current.version, reason };
  }
  definition.experiment = { ...spec, version };
  if (stored && stored.version !== version) await tx.experiment.update({ where: { id: experiment.id }, data: { version } });
  experiment.version = version;
  return change;
}

async function writeRows(
  tx: Tx,
  shopId: string,
  input: { id: string; isNew: boolean; name: string; offer: Offer; experiment: ExperimentState | null },
  definition: Offer,
): Promise<void> {
  const { offer, experiment } = input;
  const columns = {
    name: input.name,
    type: offer.type,
    status: offer.status,
    priority: offer.priority,
    startsAt: offer.startsAt === undefined ? null : new Date(offer.startsAt),
    endsAt: offer.endsAt === undefined ? null : new Date(offer.endsAt),
    definition: JSON.stringify(definition),
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
      winnerVariantId: experiment.winnerVariantId ?? null,
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
): Promise<SaveResult> {
  const existing = id ? await requireOffer(prisma, shop.id, id) : null;
  const offerId = existing?.id ?? `off_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  // Arms keep their ids (assignment is by arm id): existing ones only if they belong to this offer.
  const own = new Set(existing?.variants.map((v) => v.id));
  const armIds = form.experiment.variants.map((v) => (v.id && own.has(v.id) ? v.id : armId()));
  const valid = await validateOfferForm(form, offerId, gateway, armIds);
  if (!valid.ok) return valid;
  // An archived experiment is history: turning experiments on again starts a new one.
  const previous = existing?.experiments[0]?.status === "archived" ? undefined : existing?.experiments[0];
  const experiment: ExperimentState | null = form.experiment.enabled
    ? {
        id: previous?.id ?? `exp_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
        // A new experiment starts when the offer is saved; a stopped one stays stopped.
        status: (previous?.status as ExperimentState["status"] | undefined) ?? "running",
        holdoutBps: valid.holdoutBps,
        variants: valid.variants,
        winnerVariantId: previous?.winnerVariantId,
        startedAt: previous ? previous.startedAt : new Date(),
        stoppedAt: previous?.stoppedAt,
      }
    : null;
  const { versionStarted } = await writeOffer(prisma, shop.id, {
    id: offerId,
    isNew: !existing,
    name: form.name.trim(),
    offer: valid.offer,
    experiment,
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
    await writeOffer(prisma, shop.id, {
      id: row.id,
      isNew: false,
      name: row.name,
      offer: { ...offer, status },
      experiment: experimentStateOf(row),
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
    winnerVariantId: e.winnerVariantId,
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

export type ExperimentCommand = { kind: "start" } | { kind: "stop" } | { kind: "archive" } | { kind: "promote"; variantId: string };

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
  if (state.status === "archived") return { ok: false as const, error: "This experiment is archived; turn on an experiment in the offer to start a new one." };
  if (command.kind === "start")
    Object.assign(state, { status: "running", startedAt: state.startedAt ?? now, stoppedAt: null });
  else if (command.kind === "stop") Object.assign(state, { status: "stopped", stoppedAt: now });
  else if (command.kind === "archive") Object.assign(state, { status: "archived", stoppedAt: state.stoppedAt ?? now, archivedAt: now });
  else {
    const winner = state.variants.find((v) => v.id === command.variantId);
    if (!winner) return { ok: false as const, error: "That variant is not part of this experiment." };
    const spec = experimentSpec(state.id, state.holdoutBps, [winner], offer).variants[0]!;
    next = {
      ...offer,
      ...(spec.copy ? { copy: { ...offer.copy, ...spec.copy } } : {}),
      ...(spec.discount ? { discount: spec.discount } : {}),
      ...(spec.design ? { design: spec.design } : {}),
    };
    Object.assign(state, { status: "stopped", stoppedAt: now, winnerVariantId: winner.id });
  }
  const { versionStarted } = await writeOffer(prisma, shop.id, { id: row.id, isNew: false, name: row.name, offer: next, experiment: state });
  return { ok: true as const, publish: await publishShop(prisma, shop, gateway), versionStarted };
}

export const OFFER_STATUS_FILTERS = ["active", "paused", "draft", "archived"] as const;

export async function listOffers(prisma: PrismaClient, shopId: string, filter: { moment?: string; status?: string }) {
  return prisma.offer.findMany({
    where: {
      shopId,
      ...(filter.status ? { status: filter.status } : { status: { not: "archived" } }),
      ...(filter.moment ? { moments: { some: { moment: filter.moment } } } : {}),
    },
    include: { moments: true, experiments: { orderBy: { createdAt: "desc" }, take: 1 } },
    orderBy: [{ priority: "desc" }, { updatedAt: "desc" }],
  });
}

// ---------------------------------------------------------------------------------------------
// The form arrives as JSON in one form field; its shape is checked before anything reads it, so a
// malformed request is a 400 with a reason, never a 500.

const s = z.string().max(2000);
const copyShape = z.object({ title: s, body: s, cta: s, decline: s });
const formShape = z.object({
  name: s,
  type: z.enum(OFFER_TYPES),
  status: z.enum(["active", "paused", "draft"]),
  priority: s,
  moments: z.array(z.enum(MOMENT_IDS)).max(9),
  startsAt: s,
  endsAt: s,
  items: z.array(z.object({ productId: s, variantId: s, quantity: s, title: s })).max(20),
  discount: z.object({
    kind: z.enum(["none", "percent", "fixed", "bundle_price"]),
    percent: s,
    amounts: z.record(z.string().regex(/^[A-Z]{3}$/), s),
  }),
  pricingPercent: s,
  pricingOf: z.enum(["line", "subtotal"]),
  copy: z.record(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$/), copyShape),
  design: s,
  targeting: z.object({
    devices: z.array(z.enum(DEVICES)).max(2),
    countries: s,
    currencies: z.array(z.string().regex(/^[A-Z]{3}$/)).max(200),
    languages: s,
    buyer: z.enum(["any", "first_time", "returning"]),
    triggerProducts: z.array(z.object({ productId: s, title: s })).max(100),
    tags: s,
    vendors: s,
    // Optional: a page opened before the field existed posts none (no collection triggers).
    collections: z.array(s).max(1000).default([]),
    minSubtotal: z.record(z.string().regex(/^[A-Z]{3}$/), s),
  }),
  experiment: z.object({
    enabled: z.boolean(),
    holdoutPct: s,
    variants: z
      .array(z.object({ id: s, name: s, weight: s, title: s, body: s, discountPercent: s, design: s }))
      .max(10),
  }),
});

/** The posted form, or a 400 Response saying what is wrong with its shape. */
export function parseOfferFormJson(raw: FormDataEntryValue | null): OfferForm {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    throw new Response("The offer form must be sent as JSON in the `form` field.", { status: 400 });
  }
  const parsed = formShape.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Response(`Malformed offer form at ${i.path.join(".") || "(root)"}: ${i.message}`, { status: 400 });
  }
  return parsed.data as OfferForm;
}
