import type { MetaFunction } from "@remix-run/node";
import { translatorOver, type Catalogue } from "./catalogue";

type TitleKey = `titles.${Exclude<keyof Catalogue["titles"], "suffix">}`;

/**
 * A page's `meta`: its title in the admin's language ("Angebote · Moments"), from the catalogue
 * the layout's loader sent (its data is among the matches).
 */
export const pageTitle =
  (key: TitleKey): MetaFunction =>
  ({ matches }) => {
    const layout = matches.find((m) => m.id === "routes/app")?.data as { messages?: Catalogue | null } | undefined;
    const t = translatorOver(layout?.messages);
    return [{ title: t("titles.suffix", { page: t(key) }) }];
  };
