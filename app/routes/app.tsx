import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { env, isDemo } from "~/env.server";
import { requireShop } from "~/shop-context.server";
import { DemoChrome } from "~/components/DemoChrome";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const NAV_LINKS = [
  { to: "/app", label: "Home" },
  { to: "/app/offers", label: "Offers" },
  { to: "/app/experiments", label: "Experiments" },
  { to: "/app/settings", label: "Settings" },
  { to: "/app/dashboard", label: "Measurement" },
  { to: "/app/emails", label: "Emails" },
] as const;

/** Demo-only pages: the buyer's side of the product, without a store. */
export const DEMO_LINKS = [
  { to: "/demo/journey", label: "Buyer journey (demo)" },
  { to: "/demo/post-purchase", label: "Post-purchase (demo)" },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { demo: isDemo(), apiKey: env().SHOPIFY_API_KEY, shopName: shop.name };
};

export default function App() {
  const { demo, apiKey, shopName } = useLoaderData<typeof loader>();
  if (demo) {
    // Outside the Shopify admin there is no App Bridge: plain Polaris with the app's own navigation.
    return (
      <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
        <DemoChrome shopName={shopName} links={[...NAV_LINKS, ...DEMO_LINKS]}>
          <Outlet />
        </DemoChrome>
      </AppProvider>
    );
  }
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        {NAV_LINKS.map((l, i) => (
          <Link key={l.to} to={l.to} rel={i === 0 ? "home" : undefined}>
            {l.label}
          </Link>
        ))}
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
