import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { unsubscribe } from "~/email/outbox.server";
import { recordUnsubscribe } from "~/email/events.server";
import { buyerText, requestText, type BuyerText } from "~/email/i18n.server";
import { verifyUnsubscribe, type UnsubscribeClaim } from "~/email/tokens.server";

/**
 * The follow-up email's unsubscribe link. GET only shows a confirmation (link scanners and
 * previews follow GETs, so a GET never unsubscribes); POST unsubscribes: the confirmation button,
 * and mailbox providers' RFC 8058 one-click (`List-Unsubscribe=One-Click` in the form body).
 * Either way the buyer is recorded as unsubscribed and their pending messages are cancelled.
 * The page speaks the email's language (signed into the link); an older link without it, or a
 * broken one, the browser's Accept-Language (app/email/locales, decision 023).
 */
export const meta: MetaFunction<typeof loader> = ({ data: page }) => [
  { title: page?.text.title ?? "Unsubscribe" },
  { name: "robots", content: "noindex" },
];

const claimFrom = (request: Request) =>
  verifyUnsubscribe(env().SHOPIFY_API_SECRET, new URL(request.url).searchParams.get("t"));
const textOf = (request: Request, claim: UnsubscribeClaim | null): BuyerText =>
  claim?.locale ? buyerText(claim.locale) : requestText(request);

/** The document's Content-Language is the loader's (the page's language). */
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const language = loaderHeaders.get("Content-Language");
  return language ? { "Content-Language": language } : new Headers();
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const claim = claimFrom(request);
  const text = textOf(request, claim);
  const { t } = text;
  const strings = (brand: string) => ({
    title: t("unsubscribe.title"),
    question: t("unsubscribe.question", { brand }),
    button: t("unsubscribe.button"),
    doneTitle: t("unsubscribe.doneTitle"),
    done: t("unsubscribe.done", { brand }),
    invalid: t("unsubscribe.invalid"),
  });
  const headers = { "Content-Language": text.language };
  if (!claim)
    return data({ lang: text.language, text: strings(""), valid: false, already: false }, { status: 400, headers });
  const [shop, already] = await Promise.all([
    db().shop.findUnique({ where: { id: claim.shopId }, select: { name: true } }),
    db().emailUnsubscribe.findUnique({
      where: { shopId_emailHash: { shopId: claim.shopId, emailHash: claim.emailHash } },
    }),
  ]);
  return data(
    { lang: text.language, text: strings(shop?.name ?? t("unsubscribe.thisShop")), valid: true, already: !!already },
    { headers },
  );
};

export const action = async ({ request }: ActionFunctionArgs) => {
  // Either way the answer is this page (the loader runs after the action): a 2xx is all RFC 8058
  // asks of a one-click POST.
  const claim = claimFrom(request);
  if (!claim) return data({ done: false, cancelled: 0 }, { status: 400 });
  const body = await request.formData().catch(() => new FormData());
  const oneClick = body.get("List-Unsubscribe") === "One-Click";
  const now = new Date();
  const { cancelled } = await unsubscribe(db(), { ...claim, source: oneClick ? "one_click" : "link" });
  await recordUnsubscribe(db(), claim.shopId, claim.customerId ?? claim.emailHash, now).catch(() => undefined);
  return { done: true, cancelled };
};

export default function Unsubscribe() {
  const { text, valid, already } = useLoaderData<typeof loader>();
  const result = useActionData<{ done: boolean }>();
  const done = already || result?.done;
  return (
    <main
      style={{ maxWidth: 480, margin: "64px auto", padding: 24, fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}
    >
      <h1 style={{ fontSize: 22 }}>{!valid ? text.title : done ? text.doneTitle : text.title}</h1>
      {!valid ? (
        <p>{text.invalid}</p>
      ) : done ? (
        <p>{text.done}</p>
      ) : (
        <Form method="post">
          <p>{text.question}</p>
          <button type="submit" style={{ padding: "10px 16px", fontSize: 16 }}>
            {text.button}
          </button>
        </Form>
      )}
    </main>
  );
}
