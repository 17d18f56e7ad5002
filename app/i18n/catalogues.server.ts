/**
 * Every language's catalogue, on the server: the layout sends the negotiated one to the browser,
 * actions translate what they answer with it. `satisfies Catalogue` fails the build when a
 * language lacks a key of English; tests/admin-locales.test.ts checks the other way round (no
 * key English lacks) and that every message keeps English's placeholders.
 */
import polarisDe from "@shopify/polaris/locales/de.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import deCommon from "~/locales/de/common.json";
import deHome from "~/locales/de/home.json";
import deOffers from "~/locales/de/offers.json";
import deEditor from "~/locales/de/editor.json";
import deRules from "~/locales/de/rules.json";
import deTemplates from "~/locales/de/templates.json";
import deSettings from "~/locales/de/settings.json";
import deInsights from "~/locales/de/insights.json";
import deEmails from "~/locales/de/emails.json";
import deSuggestions from "~/locales/de/suggestions.json";
import deGuardrail from "~/locales/de/guardrail.json";
import deAllocation from "~/locales/de/allocation.json";
import deBilling from "~/locales/de/billing.json";
import frCommon from "~/locales/fr/common.json";
import frHome from "~/locales/fr/home.json";
import frOffers from "~/locales/fr/offers.json";
import frEditor from "~/locales/fr/editor.json";
import frRules from "~/locales/fr/rules.json";
import frTemplates from "~/locales/fr/templates.json";
import frSettings from "~/locales/fr/settings.json";
import frInsights from "~/locales/fr/insights.json";
import frEmails from "~/locales/fr/emails.json";
import frSuggestions from "~/locales/fr/suggestions.json";
import frGuardrail from "~/locales/fr/guardrail.json";
import frAllocation from "~/locales/fr/allocation.json";
import frBilling from "~/locales/fr/billing.json";
import { EN, translatorOver, type AdminT, type Catalogue } from "./catalogue";
import type { AdminLanguage } from "./languages";

const DE = {
  ...deCommon,
  ...deHome,
  ...deOffers,
  ...deEditor,
  ...deRules,
  ...deTemplates,
  ...deSettings,
  ...deInsights,
  ...deEmails,
  ...deSuggestions,
  ...deGuardrail,
  ...deAllocation,
  ...deBilling,
} satisfies Catalogue;
const FR = {
  ...frCommon,
  ...frHome,
  ...frOffers,
  ...frEditor,
  ...frRules,
  ...frTemplates,
  ...frSettings,
  ...frInsights,
  ...frEmails,
  ...frSuggestions,
  ...frGuardrail,
  ...frAllocation,
  ...frBilling,
} satisfies Catalogue;

export const CATALOGUES: Record<AdminLanguage, Catalogue> = { en: EN, de: DE, fr: FR };

/** Polaris' own strings (pagination, bulk actions, "Loading"...), from its locale files. */
export type PolarisTranslations = typeof polarisDe;
const POLARIS: Partial<Record<AdminLanguage, PolarisTranslations>> = { de: polarisDe, fr: polarisFr };

/** What the browser needs beyond its bundled English: null for English. */
export function browserCatalogues(language: AdminLanguage): {
  messages: Catalogue | null;
  polaris: PolarisTranslations | null;
} {
  return language === "en"
    ? { messages: null, polaris: null }
    : { messages: CATALOGUES[language], polaris: POLARIS[language] ?? null };
}

export const translatorFor = (language: AdminLanguage): AdminT => translatorOver(CATALOGUES[language]);
