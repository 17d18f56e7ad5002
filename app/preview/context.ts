import { z } from "zod";
import { DEVICES, MOMENT_IDS, type Device, type MomentId } from "@moments/engine";
import type { OfferForm } from "~/offers/form";

/** The buyer kinds an offer's targeting tells apart (`targeting.buyer`), as the preview's sample buyer. */
export const PREVIEW_BUYERS = ["first_time", "returning"] as const;
export type PreviewBuyer = (typeof PREVIEW_BUYERS)[number];

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
  /** A first-time (the default) or a returning buyer (an offer can target either). */
  buyer?: PreviewBuyer;
  /**
   * The cart's total as typed, in `currency` ("49.90"); "" or absent = the sample cart line's own
   * price. Stands for the rest of the cart, so cart-value rules can be previewed.
   */
  cartTotal?: string;
}

/**
 * The preview request's sample buyer, as the browser sends it and the server reads it (one schema
 * for both). A value a page of another app version might send is read as its default, as a
 * preview has nothing to refuse; the cart total is checked against the currency where it is read.
 */
export const previewContextSchema = z.object({
  moment: z.enum(MOMENT_IDS).optional().catch(undefined),
  cartLine: z.string().max(200).catch(""),
  device: z.enum(DEVICES).catch("desktop"),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .catch("US"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .catch(undefined),
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .catch("en"),
  arm: z
    .string()
    .regex(/^(assigned|holdout|\d{1,2})$/)
    .catch("assigned"),
  buyer: z.enum(PREVIEW_BUYERS).catch("first_time"),
  cartTotal: z.string().max(24).catch(""),
});

/** What the preview shows first (server-rendered with the page, so it neither waits nor shifts). */
export function defaultPreviewContext(
  form: OfferForm,
  carts: ReadonlyArray<{ value: string }>,
  currencies: readonly string[],
): Required<PreviewContext> {
  return {
    moment: form.moments[0] ?? "checkout",
    cartLine: carts[0]?.value ?? "",
    device: "mobile",
    country: "DE",
    currency: currencies.includes("EUR") ? "EUR" : (currencies[0] ?? "EUR"),
    locale: "en",
    arm: "0",
    // The buyer an offer's targeting names, so a returning-only offer opens previewed as shown.
    buyer: form.targeting.buyer === "returning" ? "returning" : "first_time",
    cartTotal: "",
  };
}
