import type { LoaderFunctionArgs } from "@remix-run/node";
import { env, isDemo } from "~/env.server";
import { readEmlFile } from "~/email/transport.server";
import { emailOutboxDir } from "~/email/worker.server";
import { requireShop } from "~/shop-context.server";

/** A demo-outbox `.eml`: shown as text in the browser, or downloaded to open in a mail program. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  await requireShop(request);
  if (!isDemo()) throw new Response("Not found", { status: 404 });
  const name = params.name ?? "";
  const file = readEmlFile(emailOutboxDir(env().EMAIL_OUTBOX_DIR), name);
  if (!file) throw new Response("No such email in the demo outbox.", { status: 404 });
  const download = new URL(request.url).searchParams.get("download") === "1";
  return new Response(new Uint8Array(file), {
    headers: download
      ? { "Content-Type": "message/rfc822", "Content-Disposition": `attachment; filename="${name}"` }
      : { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
  });
};
