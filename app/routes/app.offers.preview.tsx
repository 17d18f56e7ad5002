import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { parseOfferFormJson, requireOffer } from "~/offers/offers.server";
import { previewContextSchema } from "~/preview/context";
import { previewOffer } from "~/preview/preview.server";
import { requireShop } from "~/shop-context.server";
import { requestText } from "~/i18n/request.server";

/**
 * The live preview: the engine's decision for the draft offer in a sample buyer context. A resource
 * route answering JSON: the editor fetches it itself (it changes nothing, so no page revalidates).
 */
export const action = ({ request }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const body = await request.formData();
    const form = parseOfferFormJson(body.get("form"));
    const offerId = String(body.get("offerId") ?? "") || null;
    // The offer being edited must be this shop's (it is left out of the competing offers).
    if (offerId) await requireOffer(db(), shop.id, offerId);
    const sent = previewContextSchema.parse(
      Object.fromEntries([...body.entries()].filter(([, v]) => typeof v === "string")),
    );
    const result = await previewOffer(db(), shop, gateway, {
      form,
      offerId,
      context: {
        ...sent,
        moment: sent.moment ?? form.moments[0] ?? "checkout",
        currency: sent.currency ?? shop.currency,
      },
      armNames: form.experiment.variants.map((v) => v.name),
      admin: requestText(request, body),
    });
    return Response.json(result);
  });
