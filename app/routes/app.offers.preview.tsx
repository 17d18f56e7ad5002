import type { ActionFunctionArgs } from "@remix-run/node";
import { DEVICES, MOMENT_IDS, type Device, type MomentId } from "@moments/engine";
import { db } from "~/db.server";
import { answeringRefusals } from "~/lib/errors";
import { parseOfferFormJson, requireOffer } from "~/offers/offers.server";
import { previewOffer } from "~/preview/preview.server";
import { requireShop } from "~/shop-context.server";

/** The live preview: the engine's decision for the draft offer in a sample buyer context. */
export const action = ({ request }: ActionFunctionArgs) =>
  answeringRefusals(async () => {
    const { shop, gateway } = await requireShop(request);
    const body = await request.formData();
    const form = parseOfferFormJson(body.get("form"));
    const offerId = String(body.get("offerId") ?? "") || null;
    // The offer being edited must be this shop's (it is left out of the competing offers).
    if (offerId) await requireOffer(db(), shop.id, offerId);
    const field = (k: string) => String(body.get(k) ?? "");
    const moment = (MOMENT_IDS as readonly string[]).includes(field("moment"))
      ? (field("moment") as MomentId)
      : (form.moments[0] ?? "checkout");
    const device: Device = (DEVICES as readonly string[]).includes(field("device"))
      ? (field("device") as Device)
      : "desktop";
    const currency = /^[A-Z]{3}$/.test(field("currency")) ? field("currency") : shop.currency;
    const country = /^[A-Z]{2}$/.test(field("country")) ? field("country") : "US";
    const locale = /^[a-z]{2}(-[A-Z]{2})?$/.test(field("locale")) ? field("locale") : "en";
    const result = await previewOffer(db(), shop, gateway, {
      form,
      offerId,
      context: {
        moment,
        cartLine: field("cartLine"),
        device,
        country,
        currency,
        locale,
        arm: field("arm") || "assigned",
      },
      armNames: form.experiment.variants.map((v) => v.name),
    });
    return Response.json(result);
  });
