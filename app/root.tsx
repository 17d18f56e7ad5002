import type { ReactNode } from "react";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";

function Document({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <html lang="en">
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
  return (
    <Document>
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
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // The router's own 404 (no route matched) carries a developer message; a route's carries its reason.
  const routerMade = isRouteErrorResponse(error) && (error as { internal?: boolean }).internal === true;
  const reason = !isRouteErrorResponse(error)
    ? "Something went wrong on our side. Please try again."
    : status === 404 && routerMade
      ? "Nothing is served at this address. Check the link, or open Moments from your Shopify admin."
      : typeof error.data === "string" && error.data
        ? error.data
        : error.statusText || "The request could not be served.";
  return (
    <Document title={`${status} · Moments`}>
      <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "15vh auto", padding: "0 24px", color: "#303030" }}>
        <p style={{ fontSize: 14, color: "#616161", margin: 0 }}>{`Moments · ${status}`}</p>
        <h1 style={{ fontSize: 22, margin: "8px 0 12px" }}>{status === 404 ? "This page does not exist" : status < 500 ? "This request could not be served" : "Something went wrong"}</h1>
        <p style={{ fontSize: 15, lineHeight: 1.5 }}>{reason}</p>
      </main>
    </Document>
  );
}
