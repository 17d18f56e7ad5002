// Preloaded into the built server (NODE_OPTIONS=--import) by tests that need Shopify's Admin API:
// msw intercepts the app's calls to https://<shop>/admin/api/<version>/graphql.json and hands them
// to the fake Admin the test runs (MOMENTS_TEST_ADMIN_URL), so the test decides every answer,
// counts the calls and can make one hang. Nothing else is intercepted.
import { bypass, http } from "msw";
import { setupServer } from "msw/node";

const target = process.env.MOMENTS_TEST_ADMIN_URL;
if (!target) throw new Error("MOMENTS_TEST_ADMIN_URL is not set");

const server = setupServer(
  http.post("https://:shop/admin/api/:version/graphql.json", async ({ request, params }) => {
    const forwarded = new Request(`${target}/${params.shop}/${params.version}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": request.headers.get("X-Shopify-Access-Token") ?? "" },
      body: await request.text(),
    });
    return fetch(bypass(forwarded));
  }),
);
server.listen({ onUnhandledRequest: "bypass" });
