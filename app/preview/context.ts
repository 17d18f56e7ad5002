import type { Device, MomentId } from "@moments/engine";
import type { OfferForm } from "~/offers/form";

/** The sample buyer the live preview decides for. */
export interface PreviewContext {
  moment: MomentId;
  /** "<productId>|<variantId>" from the catalog: the sample cart's one line ("" = empty cart). */
  cartLine: string;
  device: Device;
  country: string;
  currency: string;
  locale: string;
  /** "assigned" (sample buyer), an arm index ("0", "1"...) or "holdout". */
  arm: string;
}

/** What the preview shows first (server-rendered with the page, so it neither waits nor shifts). */
export function defaultPreviewContext(
  form: OfferForm,
  carts: ReadonlyArray<{ value: string }>,
  currencies: readonly string[],
): PreviewContext {
  return {
    moment: form.moments[0] ?? "checkout",
    cartLine: carts[0]?.value ?? "",
    device: "mobile",
    country: "DE",
    currency: currencies.includes("EUR") ? "EUR" : (currencies[0] ?? "EUR"),
    locale: "en",
    arm: "0",
  };
}
