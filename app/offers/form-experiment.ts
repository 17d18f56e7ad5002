/** The engine's experiment spec for an offer, from its stored experiment rows. */
import type { Offer } from "@moments/engine";
import type { StoredVariant } from "./form-model";

/** The engine's experiment spec from the stored arms: each arm's overrides on top of the offer. */
export function experimentSpec(
  experimentId: string,
  holdoutBps: number,
  variants: StoredVariant[],
  offer: Offer,
): NonNullable<Offer["experiment"]> {
  const baseLocale = Object.keys(offer.copy)[0] ?? "en";
  return {
    id: experimentId,
    holdoutBps,
    variants: variants.map((v) => {
      const arm: NonNullable<Offer["experiment"]>["variants"][number] = { id: v.id, weight: v.weight };
      const o = v.overrides;
      if (o.title || o.body) {
        const base = offer.copy[baseLocale] ?? { title: "" };
        arm.copy = {
          [baseLocale]: { ...base, ...(o.title ? { title: o.title } : {}), ...(o.body ? { body: o.body } : {}) },
        };
      }
      if (o.discountPercent !== undefined) arm.discount = { kind: "percent", percent: o.discountPercent };
      if (o.design) arm.design = o.design;
      return arm;
    }),
  };
}
