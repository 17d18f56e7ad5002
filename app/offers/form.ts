/**
 * The offer form as the admin edits it (strings, as inputs hold them) and its mapping to and from
 * the engine's `Offer`. Shared by the browser (form state, preview requests) and the server
 * (validation, save). Prices of items are never taken from the form: the server fills them from
 * the catalog, so a tampered form cannot publish a wrong list price.
 *
 *  - form-model.ts: the form's types and its empty state;
 *  - form-schema.ts: the form's zod schema (shape + rules), transforming it into the engine offer;
 *  - form-rules.ts: the rules, one function per part of the form, with the merchant's messages;
 *  - form-from-offer.ts: engine offer -> form (what the editor opens with);
 *  - form-experiment.ts: the engine's experiment spec from the stored arms;
 *  - money.ts: decimal <-> minor units with the engine's currency exponents.
 */
export * from "./form-model";
export { offerToForm } from "./form-from-offer";
export {
  fieldErrors,
  fieldKeyForPath,
  formToOffer,
  offerFormSchema,
  offerFormShape,
  type FormToOfferResult,
  type OfferFormContext,
  type ParsedOfferForm,
} from "./form-schema";
export { experimentSpec } from "./form-experiment";
