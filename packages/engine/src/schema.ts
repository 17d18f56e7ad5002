import * as z from "zod/mini";
import { offerSpec, payloadSpec, settingsSpec, type Offer, type Payload, type Settings } from "./model";
import type { Spec } from "./v";

/**
 * zod/mini schemas for the admin forms and the publisher, generated from the same spec the
 * dependency-free decoder validates against (one source of truth, no drift). Kept out of the
 * extension bundle: decode + decide never import this module.
 */
export function toZod(s: Spec): z.ZodMiniType {
  switch (s.k) {
    case "?":
      return z.optional(toZod(s.of));
    case "s": {
      const str = z.string().check(z.minLength(s.min), z.maxLength(s.max));
      return s.re ? str.check(z.regex(s.re)) : str;
    }
    case "i":
      return z.int().check(z.gte(s.min), z.lte(s.max));
    case "e":
      return z.enum(s.v as [string, ...string[]]);
    case "a":
      return z.array(toZod(s.of)).check(z.minLength(s.min), z.maxLength(s.max));
    case "r":
      return z.partialRecord(toZod(s.key) as z.ZodMiniString, toZod(s.of));
    case "o":
      return z.object(Object.fromEntries(Object.entries(s.f).map(([k, v]) => [k, toZod(v)])));
    case "u":
      return z.discriminatedUnion(
        s.tag,
        Object.values(s.of).map((b) => toZod(b)) as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]],
      );
  }
}

export const OfferSchema = /* @__PURE__ */ toZod(offerSpec) as z.ZodMiniType<Offer>;
export const SettingsSchema = /* @__PURE__ */ toZod(settingsSpec) as z.ZodMiniType<Settings>;
export const PayloadSchema = /* @__PURE__ */ toZod(payloadSpec) as z.ZodMiniType<Payload>;

/** zod issue path -> "offers[3].discount.percent" (same format as decodePayload errors). */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((p, k) => (typeof k === "number" ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), "");
