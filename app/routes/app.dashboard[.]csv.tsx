import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { requireShop } from "~/shop-context.server";
import { dashboardCsv, dashboardData, filtersFromUrl } from "~/measurement/dashboard.server";

/** The dashboard's numbers as CSV: same filters, same function, so the file matches the page. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop } = await requireShop(request);
    const filters = filtersFromUrl(new URL(request.url));
    const csv = dashboardCsv(await dashboardData(db(), shop.id, filters));
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="moments-${filters.from}-${filters.to}.csv"`,
      },
    });
  });
