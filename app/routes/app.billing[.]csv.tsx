import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { billingCsv, billingPage } from "~/billing/page.server";
import { requireShop } from "~/shop-context.server";

/** The billing page's statements as CSV: every line of the open month and the past ones. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, gateway } = await requireShop(request);
  const page = await billingPage(db(), shop, gateway, new Date());
  return new Response(billingCsv(page), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="moments-billing-${shop.domain}.csv"`,
    },
  });
};
