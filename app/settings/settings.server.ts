/**
 * Shop settings (journey guardrails and defaults) <-> the Settings page. Stored in ShopSettings and
 * one MomentSetting row per moment; the engine reads them through `shopSettings()` at publish time.
 */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { MOMENTS, MOMENT_IDS } from "@moments/engine";
import { EN, englishT, type AdminT } from "~/i18n/catalogue";
import { LOCALES } from "~/offers/form";
import { DEFAULT_PRICE_FLOOR_PERCENT, MAX_PRICE_FLOOR_PERCENT } from "~/offers/form-floor";
import { CURRENCY_DISPLAYS, DECLINE_BEHAVIOURS, THANK_YOU_ACCEPT_CHOICES, type SettingsForm } from "./options";

export type { SettingsForm };

/** A message of the catalogue's `settingsRules` (the schema names them; `saveSettingsForm` translates). */
type RuleKey = keyof typeof EN.settingsRules;
const rule = (key: RuleKey) => `settingsRules.${key}` as const;
const isRuleMessage = (m: string): m is `settingsRules.${RuleKey}` =>
  m.startsWith("settingsRules.") && Object.hasOwn(EN.settingsRules, m.slice(14));

const whole = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

const schema = z.object({
  journeyCap: whole(0, 50, rule("journeyCap")),
  declineBehaviour: z.enum(Object.keys(DECLINE_BEHAVIOURS) as [string, ...string[]], {
    message: rule("declineBehaviour"),
  }),
  defaultLocale: z.enum(LOCALES, { message: rule("defaultLocale") }),
  currencyDisplay: z.enum(Object.keys(CURRENCY_DISPLAYS) as [string, ...string[]], {
    message: rule("currencyDisplay"),
  }),
  thankYouAccept: z.enum(Object.keys(THANK_YOU_ACCEPT_CHOICES) as [string, ...string[]], {
    message: rule("thankYouAccept"),
  }),
  emailDelayHours: whole(24, 72, rule("emailDelayHours")),
  emailSenderName: z.string().trim().max(80, rule("emailSenderName")),
  emailSenderAddress: z.union([z.literal(""), z.email(rule("emailSenderAddress"))]),
  retentionDays: whole(30, 1095, rule("retentionDays")),
  completionThresholdPoints: z
    .string()
    .trim()
    .regex(/^\d+([.,]\d+)?$/, rule("completionThresholdPoints"))
    .transform((x) => Number(x.replace(",", ".")))
    .pipe(z.number().min(0.1, rule("completionThresholdPoints")).max(20, rule("completionThresholdPoints"))),
  archiveLosers: z.boolean(),
  // Optional: a page opened before the field existed posts none (the floor stays as it was).
  priceFloorPercent: whole(0, MAX_PRICE_FLOOR_PERCENT, rule("priceFloorPercent")).optional(),
  moments: z.record(z.enum(MOMENT_IDS), z.object({ enabled: z.boolean(), maxOffers: whole(0, 10, rule("maxOffers")) })),
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
    completionThresholdPoints: String(s?.completionThresholdPoints ?? 1),
    archiveLosers: s?.archiveLosers ?? false,
    priceFloorPercent: String(s?.priceFloorPercent ?? DEFAULT_PRICE_FLOOR_PERCENT),
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
  t: AdminT = englishT,
): Promise<SaveSettingsResult> {
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    // The schema's own messages are the catalogue's; zod's (a field of the wrong type) stay as zod says.
    for (const i of parsed.error.issues)
      errors[i.path.join(".")] ??= isRuleMessage(i.message) ? t(i.message) : i.message;
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
    completionThresholdPoints: v.completionThresholdPoints,
    archiveLosers: v.archiveLosers,
    ...(v.priceFloorPercent === undefined ? {} : { priceFloorPercent: v.priceFloorPercent }),
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
