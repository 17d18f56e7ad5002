import type { FieldErrors, OfferForm } from "~/offers/form";
import type { OfferFormFields } from "./useOfferForm";

/** What every card of the offer editor gets: the form, the save's field errors and the setters. */
export interface CardProps {
  form: OfferForm;
  errors: FieldErrors;
  fields: OfferFormFields;
}
