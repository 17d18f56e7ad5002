import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, type ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { env, isDemo } from "~/env.server";
import { requireShop } from "~/shop-context.server";
import { DemoChrome, type DemoLink } from "~/components/DemoChrome";
import { LanguageSwitch } from "~/components/LanguageSwitch";
import { browserCatalogues } from "~/i18n/catalogues.server";
import { I18nProvider, useT } from "~/i18n/context";
import { localeCookie, requestLocale } from "~/i18n/request.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const NAV_LINKS = [
  { to: "/app", label: "nav.home" },
  { to: "/app/offers", label: "nav.offers" },
  { to: "/app/suggestions", label: "nav.suggestions" },
  { to: "/app/experiments", label: "nav.experiments" },
  { to: "/app/settings", label: "nav.settings" },
  { to: "/app/dashboard", label: "nav.dashboard" },
  { to: "/app/emails", label: "nav.emails" },
  { to: "/app/billing", label: "nav.billing" },
] as const satisfies readonly DemoLink[];

/** Demo-only pages: the buyer's side of the product (a storefront, the checkout journey, post-purchase). */
export const DEMO_LINKS: DemoLink[] = [
  { to: "/demo/store", label: "nav.storefront", document: true },
  { to: "/demo/journey", label: "nav.journey" },
  { to: "/demo/post-purchase", label: "nav.postPurchase" },
];

/**
 * The admin's locale is the one Shopify puts on the app's URL (`?locale=`), else the cookie that
 * kept it (decision 028); `lang` names the page's language for the root document.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const locale = requestLocale(request);
  const cookie = localeCookie(request);
  return data(
    {
      demo: isDemo(),
      apiKey: env().SHOPIFY_API_KEY,
      shopName: shop.name,
      locale,
      lang: locale.language,
      ...browserCatalogues(locale.language),
    },
    cookie ? { headers: { "Set-Cookie": cookie } } : undefined,
  );
};

/**
 * The layout's data (shop name, locale, catalogue) does not change while the merchant moves around
 * the app: it loads again only when a URL names another locale (the demo's switch; Shopify reloads
 * the frame with `?locale=` when the merchant changes the admin's language). Navigation without
 * `?locale=` therefore keeps the language even where the browser refuses the locale cookie.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl }) => {
  const next = nextUrl.searchParams.get("locale");
  return next !== null && next !== currentUrl.searchParams.get("locale");
};

function EmbeddedNav() {
  const t = useT();
  return (
    <NavMenu>
      {NAV_LINKS.map((l, i) => (
        <Link key={l.to} to={l.to} rel={i === 0 ? "home" : undefined}>
          {t(l.label)}
        </Link>
      ))}
    </NavMenu>
  );
}

export default function App() {
  const { demo, apiKey, shopName, locale, messages, polaris } = useLoaderData<typeof loader>();
  const i18n = polaris ?? undefined;
  if (demo) {
    // Outside the Shopify admin there is no App Bridge: plain Polaris with the app's own navigation.
    return (
      <I18nProvider locale={locale} messages={messages}>
        <AppProvider isEmbeddedApp={false} apiKey={apiKey} i18n={i18n}>
          <DemoChrome shopName={shopName} links={[...NAV_LINKS, ...DEMO_LINKS]} aside={<LanguageSwitch />}>
            <Outlet />
          </DemoChrome>
        </AppProvider>
      </I18nProvider>
    );
  }
  return (
    <I18nProvider locale={locale} messages={messages}>
      <AppProvider isEmbeddedApp apiKey={apiKey} i18n={i18n}>
        <EmbeddedNav />
        <Outlet />
      </AppProvider>
    </I18nProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
