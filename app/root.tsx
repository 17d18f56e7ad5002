import type { ReactNode } from "react";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { translatorOver, type Catalogue } from "~/i18n/catalogue";

function Document({ title, lang = "en", children }: { title?: string; lang?: string; children: ReactNode }) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  // A page names its language in its loader data: the admin's layout (decision 028), the unsubscribe page.
  const lang = useMatches()
    .map((m) => (m.data as { lang?: unknown } | null | undefined)?.lang)
    .findLast((l): l is string => typeof l === "string" && /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(l));
  return (
    <Document lang={lang}>
      <Outlet />
    </Document>
  );
}

/**
 * The last resort for an error no route handled (the embedded admin's own boundary in app.tsx
 * catches those under /app): the status and the reason a route gave (a 4xx says what was wrong),
 * never a stack trace; an unexpected error reads as a plain 500.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  // An error inside the admin, after its layout loaded, reads in the admin's language (decision 028).
  const admin = useRouteLoaderData("routes/app") as { lang?: string; messages?: Catalogue | null } | undefined;
  const t = translatorOver(admin?.messages);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // The router's own 404 (no route matched) carries a developer message; a route's carries its reason.
  const routerMade = isRouteErrorResponse(error) && (error as { internal?: boolean }).internal === true;
  const reason = !isRouteErrorResponse(error)
    ? t("errorPage.failed")
    : status === 404 && routerMade
      ? t("errorPage.noRoute")
      : typeof error.data === "string" && error.data
        ? error.data
        : error.statusText || t("errorPage.refused");
  return (
    <Document title={`${status} · Moments`} lang={admin?.lang}>
      <main
        style={{
          fontFamily: "system-ui, sans-serif",
          maxWidth: 560,
          margin: "15vh auto",
          padding: "0 24px",
          color: "#303030",
        }}
      >
        <p style={{ fontSize: 14, color: "#616161", margin: 0 }}>{t("errorPage.status", { status })}</p>
        <h1 style={{ fontSize: 22, margin: "8px 0 12px" }}>
          {status === 404
            ? t("errorPage.notFoundTitle")
            : status < 500
              ? t("errorPage.refusedTitle")
              : t("errorPage.failedTitle")}
        </h1>
        <p style={{ fontSize: 15, lineHeight: 1.5 }}>{reason}</p>
      </main>
    </Document>
  );
}
