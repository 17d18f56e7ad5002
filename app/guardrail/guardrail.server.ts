/**
 * The completion guardrail and the retirement of underperformers (decision 031), run once a day.
 *
 * Reached: a checkout-step exposure (surface "checkout", moments checkout / information /
 * shipping / payment) is logged by the checkout extension for every buyer whose checkout reached
 * the offer's placement, in every arm, the hold-out included, once per journey and experiment
 * version (ExperimentExposure). So "reached the checkout" for an offer's experiment is its
 * checkout-step exposure: no new event (for offers shown in the cart or at exit intent, the
 * checkout's report of the arm the cart carried in, decision 035). Completed: that exposure's journey became an order
 * (orders/create joins the order's `_moments_journey` attribute or checkout token to the exposure
 * and counts it in `ExperimentExposure.orders`; test orders never join, cancelled ones leave).
 *
 * Per live offer with a running experiment and a hold-out: daily counts treated vs hold-out,
 * `completionGuardrail` (packages/stats/src/guardrail.ts); a pause pauses the offer through the
 * one write path (`setOffersStatus`, which republishes), records a GuardrailEvent with the evidence
 * and emails the merchant. A current version whose every variant is a loser on revenue per visitor
 * (the experiments' own verdicts) proposes archiving the offer, or archives it when the shop opted in.
 */
import type { PrismaClient, Shop } from "@prisma/client";
import { completionGuardrail } from "@moments/stats";
import { STOREFRONT_MOMENTS } from "@moments/contracts";
import { completionDays } from "./completion.server";
import { experimentReports } from "~/experiments/report.server";
import type { ShopGateway } from "~/gateway/types";
import { EN, translatorOver, type AdminT } from "~/i18n/catalogue";
import deGuardrail from "~/locales/de/guardrail.json";
import frGuardrail from "~/locales/fr/guardrail.json";
import { formatters, type Formatters } from "~/i18n/format";
import { adminLocale } from "~/i18n/languages";
import { isUniqueViolation } from "~/lib/sql.server";
import { setOffersStatus } from "~/offers/offers.server";
import { ensureShopEmail } from "~/shop-email.server";
import type { EmailTransport } from "~/email/transport.server";
import {
  loserEvidenceText,
  pauseEvidence,
  pauseEvidenceText,
  type LoserEvidence,
  type PauseEvidence,
} from "./evidence";

export type { LoserEvidence, PauseEvidence } from "./evidence";
export { COMPLETION_LAG_MS, completionDays } from "./completion.server";

export const DEFAULT_THRESHOLD_POINTS = 1;

export type GuardrailKind = "paused" | "archive_proposed" | "archived";

/** The merchant's address: the shop row's, else the newest session's that carries one (online sessions). */
/**
 * Every moment the offer can be shown at: its own and its arms' (a placement experiment puts an arm
 * elsewhere), so an arm placed in the cart is guarded as an in-cart offer.
 */
function placements(offer: { moments: Array<{ moment: string }>; variants: Array<{ overrides: string }> }): string[] {
  const out = offer.moments.map((m) => m.moment);
  for (const v of offer.variants) {
    try {
      const moments = (JSON.parse(v.overrides) as { moments?: unknown }).moments;
      if (Array.isArray(moments)) for (const m of moments) if (typeof m === "string") out.push(m);
    } catch {
      // Unreadable overrides place the arm nowhere else.
    }
  }
  return out;
}

export async function merchantContact(
  prisma: PrismaClient,
  shop: Pick<Shop, "domain" | "email">,
): Promise<{ email: string | null; locale: string | null }> {
  const session = await prisma.session.findFirst({
    where: { shop: shop.domain, email: { not: null } },
    orderBy: [{ accountOwner: "desc" }, { expires: "desc" }],
    select: { email: true, locale: true },
  });
  return { email: shop.email ?? session?.email ?? null, locale: session?.locale ?? null };
}

export interface GuardrailDeps {
  gateway: ShopGateway;
  /** Where merchant notices go; null when the app has no SMTP_URL (the admin says so). */
  transport: EmailTransport | null;
  now: Date;
  /** The address merchant notices come from. */
  from?: string;
  /** Link to the admin page in the email. */
  adminUrl?: string;
  log?: (line: string) => void;
}

export interface ShopGuardrailResult {
  paused: string[];
  proposed: string[];
  archived: string[];
  looked: number;
}

/** The row is the claim: a second instance (or the next day's run) finds it and does nothing. */
async function claim(
  prisma: PrismaClient,
  data: {
    shopId: string;
    offerId: string;
    experimentId: string;
    version: number;
    kind: GuardrailKind;
    evidence: string;
    reason: string;
  },
) {
  try {
    return await prisma.guardrailEvent.create({ data });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/**
 * The notice's texts in the merchant's language: only this feature's messages are needed, so the
 * whole catalogue (catalogues.server.ts, which also loads Polaris's locale files) stays out of
 * the scripts that run the job (demo:traffic).
 */
const EMAIL_CATALOGUES = {
  en: EN,
  de: { ...EN, ...deGuardrail },
  fr: { ...EN, ...frGuardrail },
} as const;
const emailT = (language: keyof typeof EMAIL_CATALOGUES): AdminT => translatorOver(EMAIL_CATALOGUES[language]);

async function notify(
  prisma: PrismaClient,
  shop: Shop,
  deps: GuardrailDeps,
  eventId: string,
  mail: (t: AdminT, format: Formatters) => { subject: string; text: string },
) {
  // Shops installed before the install read it: filled here, once, before their first notice.
  const contact = await merchantContact(prisma, await ensureShopEmail(prisma, shop, deps.gateway, deps.log));
  const locale = adminLocale(contact.locale);
  const t = emailT(locale.language);
  if (!contact.email) {
    await prisma.guardrailEvent.update({ where: { id: eventId }, data: { emailStatus: "no_address" } });
    return;
  }
  if (!deps.transport) {
    await prisma.guardrailEvent.update({
      where: { id: eventId },
      data: { emailStatus: "no_transport", emailTo: contact.email },
    });
    return;
  }
  const { subject, text } = mail(t, formatters(locale.intl));
  try {
    await deps.transport.send({
      from: deps.from ?? "Moments <no-reply@moments.invalid>",
      to: contact.email,
      subject,
      text: deps.adminUrl ? `${text}\n\n${deps.adminUrl}` : text,
      headers: { "X-Moments-Outbox": `guardrail-${eventId}` },
    });
    await prisma.guardrailEvent.update({
      where: { id: eventId },
      data: { emailStatus: "sent", emailTo: contact.email },
    });
  } catch (error) {
    await prisma.guardrailEvent.update({
      where: { id: eventId },
      data: {
        emailStatus: "failed",
        emailTo: contact.email,
        emailError: error instanceof Error ? error.message : String(error),
      },
    });
  }
}

/** One shop's run: every live offer with a running experiment and a hold-out. */
export async function runShopGuardrail(
  prisma: PrismaClient,
  shop: Shop,
  deps: GuardrailDeps,
): Promise<ShopGuardrailResult> {
  const log = deps.log ?? (() => undefined);
  const result: ShopGuardrailResult = { paused: [], proposed: [], archived: [], looked: 0 };
  const settings = await prisma.shopSettings.findUnique({ where: { shopId: shop.id } });
  const thresholdPoints = settings?.completionThresholdPoints ?? DEFAULT_THRESHOLD_POINTS;
  const experiments = await prisma.experiment.findMany({
    where: { shopId: shop.id, status: "running", holdoutBps: { gt: 0 }, offer: { status: "active" } },
    select: {
      id: true,
      offerId: true,
      version: true,
      offer: {
        select: { name: true, moments: { select: { moment: true } }, variants: { select: { overrides: true } } },
      },
    },
    orderBy: { id: "asc" },
  });
  const done = await prisma.guardrailEvent.findMany({
    where: { shopId: shop.id, experimentId: { in: experiments.map((e) => e.id) } },
    select: { experimentId: true, version: true, kind: true },
  });
  const has = (e: { id: string; version: number }, kinds: GuardrailKind[]) =>
    done.some((d) => d.experimentId === e.id && d.version === e.version && kinds.includes(d.kind as GuardrailKind));

  const stillLive: typeof experiments = [];
  for (const e of experiments) {
    result.looked++;
    if (has(e, ["paused"])) {
      stillLive.push(e); // resumed by the merchant after a pause: their call, not overruled
      continue;
    }
    const storefront = placements(e.offer).some((m) => (STOREFRONT_MOMENTS as readonly string[]).includes(m));
    const days = await completionDays(prisma, shop.id, e.id, e.version, deps.now, { storefront });
    const g = completionGuardrail({ days, thresholdPoints });
    if (g.verdict !== "pause") {
      stillLive.push(e);
      continue;
    }
    const evidence = pauseEvidence(g, days.length);
    const event = await claim(prisma, {
      shopId: shop.id,
      offerId: e.offerId,
      experimentId: e.id,
      version: e.version,
      kind: "paused",
      evidence: JSON.stringify(evidence),
      reason: g.reason,
    });
    if (!event) continue;
    try {
      await setOffersStatus(prisma, shop, deps.gateway, [e.offerId], "paused");
    } catch (error) {
      // Not paused: give up the claim so that the next run tries again.
      await prisma.guardrailEvent.delete({ where: { id: event.id } });
      throw error;
    }
    result.paused.push(e.offerId);
    log(`completion guardrail: ${shop.domain}: paused "${e.offer.name}" (${e.offerId}): ${g.reason}`);
    await notify(prisma, shop, deps, event.id, (t, format) => ({
      subject: t("guardrail.email.pausedSubject", { name: e.offer.name }),
      text: `${t("guardrail.email.pausedBody", { name: e.offer.name })}\n\n${pauseEvidenceText(t, evidence, format)}\n\n${t("guardrail.pausedNext")}`,
    }));
  }

  if (stillLive.length === 0) return result;
  const reports = await experimentReports(prisma, shop.id, { experimentIds: stillLive.map((e) => e.id) });
  for (const e of stillLive) {
    if (has(e, ["archive_proposed", "archived"])) continue;
    const current = reports.find((r) => r.experimentId === e.id)?.versions.find((v) => v.current);
    const comparisons = current?.comparisons ?? [];
    if (comparisons.length === 0 || !comparisons.every((c) => c.verdict?.kind === "loser")) continue;
    const evidence: LoserEvidence = {
      currency: shop.currency,
      comparisons: comparisons.map((c) => ({
        label: c.label,
        estimate: c.incrementalRpv?.estimate ?? NaN,
        lower: c.incrementalRpv?.lower ?? NaN,
        upper: c.incrementalRpv?.upper ?? NaN,
        reason: c.verdict?.reason ?? "",
      })),
    };
    const archive = settings?.archiveLosers ?? false;
    const event = await claim(prisma, {
      shopId: shop.id,
      offerId: e.offerId,
      experimentId: e.id,
      version: e.version,
      kind: archive ? "archived" : "archive_proposed",
      evidence: JSON.stringify(evidence),
      reason: comparisons.map((c) => `${c.label}: ${c.verdict?.reason ?? ""}`).join("; "),
    });
    if (!event) continue;
    if (archive) {
      try {
        await setOffersStatus(prisma, shop, deps.gateway, [e.offerId], "archived");
      } catch (error) {
        await prisma.guardrailEvent.delete({ where: { id: event.id } });
        throw error;
      }
      result.archived.push(e.offerId);
    } else result.proposed.push(e.offerId);
    log(`retire underperformers: ${shop.domain}: "${e.offer.name}" ${archive ? "archived" : "proposed for archiving"}`);
    await notify(prisma, shop, deps, event.id, (t, format) => ({
      subject: t(archive ? "guardrail.email.archivedSubject" : "guardrail.email.proposedSubject", {
        name: e.offer.name,
      }),
      text: `${t(archive ? "guardrail.archivedBody" : "guardrail.proposedBody", { name: e.offer.name })}\n\n${loserEvidenceText(t, evidence, format)}`,
    }));
  }
  return result;
}

/** Every installed shop, one after the other; a shop that fails is logged and retried the next day. */
export async function runCompletionGuardrail(
  prisma: PrismaClient,
  deps: Omit<GuardrailDeps, "gateway"> & { gatewayFor: (shop: Shop) => Promise<ShopGateway> },
): Promise<{ shops: number; paused: number; proposed: number; archived: number; errors: string[] }> {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, orderBy: { id: "asc" } });
  const out = { shops: 0, paused: 0, proposed: 0, archived: 0, errors: [] as string[] };
  for (const shop of shops) {
    try {
      const r = await runShopGuardrail(prisma, shop, { ...deps, gateway: await deps.gatewayFor(shop) });
      out.shops++;
      out.paused += r.paused.length;
      out.proposed += r.proposed.length;
      out.archived += r.archived.length;
    } catch (error) {
      out.errors.push(`${shop.domain}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return out;
}

/** The notices an offer (or every offer) shows in the admin: unresolved ones, newest first. */
export async function guardrailNotices(prisma: PrismaClient, shopId: string, offerId?: string) {
  const rows = await prisma.guardrailEvent.findMany({
    where: { shopId, resolvedAt: null, ...(offerId ? { offerId } : {}) },
    orderBy: { createdAt: "desc" },
  });
  const offers = await prisma.offer.findMany({
    where: { shopId, id: { in: [...new Set(rows.map((r) => r.offerId))] } },
    select: { id: true, status: true },
  });
  const statusOf = new Map(offers.map((o) => [o.id, o.status]));
  // A pause the merchant undid (resumed) and a proposal already carried out (archived) say nothing more.
  const live = rows.filter((r) =>
    r.kind === "paused"
      ? statusOf.get(r.offerId) === "paused"
      : r.kind === "archive_proposed"
        ? statusOf.get(r.offerId) !== "archived" && statusOf.has(r.offerId)
        : true,
  );
  return live.map((r) => ({
    id: r.id,
    offerId: r.offerId,
    experimentId: r.experimentId,
    version: r.version,
    kind: r.kind as GuardrailKind,
    evidence: JSON.parse(r.evidence) as PauseEvidence | LoserEvidence,
    emailStatus: r.emailStatus,
    emailTo: r.emailTo,
    emailError: r.emailError,
    createdAt: r.createdAt.toISOString(),
  }));
}
export type GuardrailNotice = Awaited<ReturnType<typeof guardrailNotices>>[number];

/** The merchant acted on a notice (archived the offer or dismissed the proposal). */
export async function resolveNotice(prisma: PrismaClient, shopId: string, id: string, now: Date) {
  const r = await prisma.guardrailEvent.updateMany({
    where: { id, shopId, resolvedAt: null },
    data: { resolvedAt: now },
  });
  return r.count > 0;
}
