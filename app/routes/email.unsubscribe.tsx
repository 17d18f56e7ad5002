import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { unsubscribe } from "~/email/outbox.server";
import { recordUnsubscribe } from "~/email/events.server";
import { verifyUnsubscribe } from "~/email/tokens.server";

/**
 * The follow-up email's unsubscribe link. GET only shows a confirmation (link scanners and
 * previews follow GETs, so a GET never unsubscribes); POST unsubscribes: the confirmation button,
 * and mailbox providers' RFC 8058 one-click (`List-Unsubscribe=One-Click` in the form body).
 * Either way the buyer is recorded as unsubscribed and their pending messages are cancelled.
 */
export const meta: MetaFunction = () => [{ title: "Unsubscribe" }, { name: "robots", content: "noindex" }];

const claimFrom = (request: Request) => verifyUnsubscribe(env().SHOPIFY_API_SECRET, new URL(request.url).searchParams.get("t"));

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const claim = claimFrom(request);
  if (!claim) throw new Response("This unsubscribe link is not valid.", { status: 400 });
  const [shop, already] = await Promise.all([
    db().shop.findUnique({ where: { id: claim.shopId }, select: { name: true } }),
    db().emailUnsubscribe.findUnique({ where: { shopId_emailHash: { shopId: claim.shopId, emailHash: claim.emailHash } } }),
  ]);
  return { brand: shop?.name ?? "this shop", already: !!already };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const claim = claimFrom(request);
  if (!claim) return new Response("This unsubscribe link is not valid.", { status: 400 });
  const body = await request.formData().catch(() => new FormData());
  const oneClick = body.get("List-Unsubscribe") === "One-Click";
  const now = new Date();
  const { cancelled } = await unsubscribe(db(), { ...claim, source: oneClick ? "one_click" : "link" });
  await recordUnsubscribe(db(), claim.shopId, claim.customerId ?? claim.emailHash, now).catch(() => undefined);
  if (oneClick) return new Response("Unsubscribed.", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return { done: true, cancelled };
};

export default function Unsubscribe() {
  const { brand, already } = useLoaderData<typeof loader>();
  const result = useActionData<{ done: boolean }>();
  const done = already || result?.done;
  return (
    <main style={{ maxWidth: 480, margin: "64px auto", padding: 24, fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}>
      <h1 style={{ fontSize: 22 }}>{done ? "You are unsubscribed" : "Unsubscribe"}</h1>
      {done ? (
        <p>You will not receive follow-up offers from {brand} any more.</p>
      ) : (
        <Form method="post">
          <p>Stop receiving follow-up offers from {brand}?</p>
          <button type="submit" style={{ padding: "10px 16px", fontSize: 16 }}>
            Unsubscribe
          </button>
        </Form>
      )}
    </main>
  );
}
