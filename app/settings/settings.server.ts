/**
 * Shop settings (journey guardrails and defaults) <-> the Settings page. Stored in ShopSettings and
 * one MomentSetting row per moment; the engine reads them through `shopSettings()` at publish time.
 */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MOMENTS, MOMENT_IDS } from "@moments/engine";
import { LOCALES } from "~/offers/form";
import { CURRENCY_DISPLAYS, DECLINE_BEHAVIOURS, THANK_YOU_ACCEPT_CHOICES, type SettingsForm } from "./options";

export type { SettingsForm };

const whole = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

const schema = z.object({
  journeyCap: whole(0, 50, "The journey cap is a whole number from 0 to 50."),
  declineBehaviour: z.enum(Object.keys(DECLINE_BEHAVIOURS) as [string, ...string[]], {
    message: "Pick a decline behaviour.",
  }),
  defaultLocale: z.enum(LOCALES, { message: "Pick a language." }),
  currencyDisplay: z.enum(Object.keys(CURRENCY_DISPLAYS) as [string, ...string[]], {
    message: "Pick how prices are shown.",
  }),
  thankYouAccept: z.enum(Object.keys(THANK_YOU_ACCEPT_CHOICES) as [string, ...string[]], {
    message: "Pick how buyers take thank-you offers.",
  }),
  emailDelayHours: whole(24, 72, "The follow-up email goes out 24 to 72 hours after the order."),
  emailSenderName: z.string().trim().max(80, "Keep the sender name under 80 characters."),
  emailSenderAddress: z.union([z.literal(""), z.email("Not an email address.")]),
  retentionDays: whole(30, 1095, "Keep data from 30 to 1095 days (3 years)."),
  moments: z.record(
    z.enum(MOMENT_IDS),
    z.object({ enabled: z.boolean(), maxOffers: whole(0, 10, "From 0 to 10 offers.") }),
  ),
});

export async function loadSettingsForm(prisma: PrismaClient, shopId: string): Promise<SettingsForm> {
  const [s, rows] = await Promise.all([
    prisma.shopSettings.findUnique({ where: { shopId } }),
    prisma.momentSetting.findMany({ where: { shopId } }),
  ]);
  const byMoment = new Map(rows.map((r) => [r.moment, r]));
  return {
    journeyCap: String(s?.journeyCap ?? 3),
    declineBehaviour: s?.declineBehaviour ?? "offer",
    defaultLocale: s?.defaultLocale ?? "en",
    currencyDisplay: s?.currencyDisplay ?? "symbol",
    thankYouAccept: s?.thankYouAccept ?? "order_edit",
    emailDelayHours: String(s?.emailDelayHours ?? 48),
    emailSenderName: s?.emailSenderName ?? "",
    emailSenderAddress: s?.emailSenderAddress ?? "",
    retentionDays: String(s?.retentionDays ?? 365),
    moments: Object.fromEntries(
      MOMENTS.map((m) => {
        const r = byMoment.get(m.id);
        return [m.id, { enabled: r?.enabled ?? true, maxOffers: String(r?.maxOffers ?? 1) }];
      }),
    ) as SettingsForm["moments"],
  };
}

export type SaveSettingsResult = { ok: true } | { ok: false; errors: Record<string, string> };

export async function saveSettingsForm(
  prisma: PrismaClient,
  shopId: string,
  form: unknown,
): Promise<SaveSettingsResult> {
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[i.path.join(".")] ??= i.message;
    return { ok: false, errors };
  }
  const v = parsed.data;
  const data = {
    journeyCap: v.journeyCap,
    declineBehaviour: v.declineBehaviour,
    defaultLocale: v.defaultLocale,
    currencyDisplay: v.currencyDisplay,
    thankYouAccept: v.thankYouAccept,
    emailDelayHours: v.emailDelayHours,
    emailSenderName: v.emailSenderName || null,
    emailSenderAddress: v.emailSenderAddress || null,
    retentionDays: v.retentionDays,
  };
  await prisma.$transaction(async (tx) => {
    await tx.shopSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
    for (const [moment, m] of Object.entries(v.moments)) {
      if (!m) continue;
      await tx.momentSetting.upsert({
        where: { shopId_moment: { shopId, moment } },
        create: { shopId, moment, enabled: m.enabled, maxOffers: m.maxOffers },
        update: { enabled: m.enabled, maxOffers: m.maxOffers },
      });
    }
  });
  return { ok: true };
}
