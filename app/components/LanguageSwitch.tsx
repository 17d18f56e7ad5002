import { useLocation, useNavigate } from "@remix-run/react";
import { Select } from "@shopify/polaris";
import { useAdminLocale, useT } from "~/i18n/context";
import { ADMIN_LANGUAGES, LANGUAGE_NAMES, type AdminLanguage } from "~/i18n/languages";

/**
 * The demo's stand-in for the Shopify admin's language setting: the current page again with
 * `?locale=`, as Shopify loads the embedded app (the layout keeps it in a cookie from there).
 */
export function LanguageSwitch() {
  const t = useT();
  const { language } = useAdminLocale();
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const choose = (next: string) => {
    const params = new URLSearchParams(search);
    params.set("locale", next);
    navigate(`${pathname}?${params.toString()}`, { replace: true, preventScrollReset: true });
  };
  return (
    <div style={{ minWidth: 150 }}>
      <Select
        label={t("demo.languageLabel")}
        labelInline
        options={ADMIN_LANGUAGES.map((l: AdminLanguage) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
        value={language}
        onChange={choose}
      />
    </div>
  );
}
