import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { EmailContent } from "~/email/content.server";
import { recordEmailClick } from "~/email/events.server";
import { verifyClick } from "~/email/tokens.server";
import { db } from "~/db.server";
import { env } from "~/env.server";

/**
 * The follow-up email's tracked link: records the click (a `click` event for moment `email`) and
 * redirects to the checkout link stored on the outbox row. The target never comes from the URL,
 * so this cannot be used as an open redirect.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const claim = verifyClick(env().SHOPIFY_API_SECRET, new URL(request.url).searchParams.get("t"));
  if (!claim) throw new Response("This link is not valid.", { status: 400 });
  const prisma = db();
  const row = await prisma.outboxMessage.findUnique({ where: { id: claim.outboxId } });
  const target = row ? (JSON.parse(row.content) as EmailContent).checkoutUrl : undefined;
  if (!row || !target) throw new Response("This offer is no longer available.", { status: 404 });
  const now = new Date();
  await prisma.outboxMessage.update({
    where: { id: row.id },
    data: { clicks: { increment: 1 }, ...(row.firstClickAt ? {} : { firstClickAt: now }) },
  });
  await recordEmailClick(prisma, row, now).catch(() => undefined);
  return redirect(target, { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
};
