import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { EmailContent } from "~/email/content.server";
import { buyerText, requestText, type BuyerText } from "~/email/i18n.server";
import { recordEmailClick } from "~/email/events.server";
import { verifyClick } from "~/email/tokens.server";
import { db } from "~/db.server";
import { env } from "~/env.server";

/**
 * The follow-up email's tracked link: records the click (a `click` event for moment `email`) and
 * redirects to the checkout link stored on the outbox row. The target never comes from the URL,
 * so this cannot be used as an open redirect. Its refusals are in the buyer's language: the
 * message's, else the browser's (decision 023).
 */
const refusal = (text: BuyerText, key: "link.invalid" | "link.gone", status: number) =>
  new Response(text.t(key), {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Language": text.language },
  });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const claim = verifyClick(env().SHOPIFY_API_SECRET, new URL(request.url).searchParams.get("t"));
  if (!claim) throw refusal(requestText(request), "link.invalid", 400);
  const prisma = db();
  const row = await prisma.outboxMessage.findUnique({ where: { id: claim.outboxId } });
  const target = row ? (JSON.parse(row.content) as EmailContent).checkoutUrl : undefined;
  if (!row || !target)
    throw refusal(row ? buyerText(row.buyerLocale ?? row.locale) : requestText(request), "link.gone", 404);
  const now = new Date();
  await prisma.outboxMessage.update({
    where: { id: row.id },
    data: { clicks: { increment: 1 }, ...(row.firstClickAt ? {} : { firstClickAt: now }) },
  });
  await recordEmailClick(prisma, row, now).catch(() => undefined);
  return redirect(target, { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
};
