/**
 * The admin's language in React: the layout (app/routes/app.tsx) provides the locale it negotiated
 * and that language's catalogue; components call `useT()` for texts and `useFormat()` for numbers,
 * money and dates. Outside the provider (the demo's simulator pages) both read English.
 */
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { englishT, translatorOver, type AdminT, type Catalogue } from "./catalogue";
import { formatters, type Formatters } from "./format";
import { DEFAULT_LANGUAGE, type AdminLanguage, type AdminLocale } from "./languages";

interface I18n {
  language: AdminLanguage;
  intl: string;
  t: AdminT;
  format: Formatters;
}

const ENGLISH: I18n = {
  language: DEFAULT_LANGUAGE,
  intl: DEFAULT_LANGUAGE,
  t: englishT,
  format: formatters(DEFAULT_LANGUAGE),
};
const I18nContext = createContext<I18n>(ENGLISH);

/** `messages`: the language's catalogue from the loader (null for English, which the bundle has). */
export function I18nProvider(props: { locale: AdminLocale; messages: Catalogue | null; children: ReactNode }) {
  const { language, intl } = props.locale;
  const { messages } = props;
  const value = useMemo<I18n>(
    () => ({ language, intl, t: translatorOver(messages), format: formatters(intl) }),
    [language, intl, messages],
  );
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

/** `t(key, vars)` in the admin's language. */
export const useT = (): AdminT => useContext(I18nContext).t;
/** Intl formatters in the admin's locale. */
export const useFormat = (): Formatters => useContext(I18nContext).format;
/** The admin's language and Intl locale (what a request to the server names as `locale`). */
export function useAdminLocale(): AdminLocale {
  const { language, intl } = useContext(I18nContext);
  return { language, intl };
}
