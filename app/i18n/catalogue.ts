/**
 * The admin's message catalogue: English, the source (docs/decisions/028-admin-languages.md). One
 * JSON file per area of the admin, in `app/locales/<language>/`, with Shopify's conventions
 * (nested keys, `{{name}}` placeholders) and the translator the buyer-facing surfaces use
 * (`@moments/surfaces/i18n`). The keys are typed from these files: `t("nav.offers")` compiles,
 * a misspelt key does not. German and French come from the server (catalogues.server.ts), so the
 * browser bundle carries English only, as the fallback outside the admin's provider.
 */
import { translator, type MessageKey, type Translate, type Vars } from "@moments/surfaces/i18n";
import common from "~/locales/en/common.json";
import home from "~/locales/en/home.json";
import offers from "~/locales/en/offers.json";
import editor from "~/locales/en/editor.json";
import rules from "~/locales/en/rules.json";
import templates from "~/locales/en/templates.json";
import settings from "~/locales/en/settings.json";
import insights from "~/locales/en/insights.json";
import emails from "~/locales/en/emails.json";
import suggestions from "~/locales/en/suggestions.json";
import guardrail from "~/locales/en/guardrail.json";
import allocation from "~/locales/en/allocation.json";
import billing from "~/locales/en/billing.json";

/** The catalogue's files in the order they are merged; each has its own top-level keys. */
export const CATALOGUE_FILES = [
  "common",
  "home",
  "offers",
  "editor",
  "rules",
  "templates",
  "settings",
  "insights",
  "emails",
  "suggestions",
  "guardrail",
  "allocation",
  "billing",
] as const;

export const EN = {
  ...common,
  ...home,
  ...offers,
  ...editor,
  ...rules,
  ...templates,
  ...settings,
  ...insights,
  ...emails,
  ...suggestions,
  ...guardrail,
  ...allocation,
  ...billing,
};
export type Catalogue = typeof EN;
/** Every message of the admin: "nav.offers", "rules.nameRequired", ... */
export type AdminKey = MessageKey<Catalogue>;
export type AdminT = Translate<Catalogue>;
export type { Vars };

/** A message to translate later, where its reader's language is known (form rules, server answers). */
export interface Message {
  key: AdminKey;
  vars?: Vars;
}

/** English texts: the default where no language was negotiated (tests, scripts, pages outside the admin). */
export const englishT: AdminT = translator(EN, EN);

/** A translator over one language's catalogue, every key falling back to English. */
export const translatorOver = (messages: Catalogue | null | undefined): AdminT =>
  messages ? translator(messages, EN) : englishT;
