import { useCallback, useMemo, useRef, useState, type FormEvent } from "react";
import {
  emptyCopy,
  newVariant,
  type CopyForm,
  type DiscountForm,
  type OfferForm,
  type VariantForm,
} from "~/offers/form";
import type { PickedVariant } from "../ProductPicker";

type Targeting = OfferForm["targeting"];
type Experiment = OfferForm["experiment"];
/** The form's top-level fields that an input sets as a whole. */
export type ScalarField =
  | "name"
  | "type"
  | "status"
  | "priority"
  | "moments"
  | "startsAt"
  | "endsAt"
  | "pricingPercent"
  | "pricingOf"
  | "design"
  | "downsell"
  | "freeGift";

/** Named, typed setters for every part of the offer form (each an immutable update). */
export interface OfferFormFields {
  set<K extends ScalarField>(field: K, value: OfferForm[K]): void;
  addItem(v: PickedVariant): void;
  setItemQuantity(index: number, quantity: string): void;
  removeItem(index: number): void;
  setDiscount<K extends "kind" | "percent">(field: K, value: DiscountForm[K]): void;
  setDiscountAmount(currency: string, amount: string): void;
  addLocale(locale: string): void;
  removeLocale(locale: string): void;
  setCopy(locale: string, field: keyof CopyForm, value: string): void;
  setTargeting<K extends Exclude<keyof Targeting, "triggerProducts" | "minSubtotal">>(
    field: K,
    value: Targeting[K],
  ): void;
  addTrigger(v: PickedVariant): void;
  removeTrigger(index: number): void;
  setMinSubtotal(currency: string, amount: string): void;
  setExperiment<K extends "enabled" | "holdoutPct" | "allocation">(field: K, value: Experiment[K]): void;
  addVariant(): void;
  removeVariant(index: number): void;
  setVariant<K extends Exclude<keyof VariantForm, "id">>(index: number, field: K, value: VariantForm[K]): void;
}

export interface OfferFormState {
  form: OfferForm;
  fields: OfferFormFields;
  /** True once the form differs from what it opened with. */
  dirty: boolean;
  /** The <form>'s submit handler: hands the current form to `onSubmit`. */
  submit: (event?: FormEvent) => void;
  /** Back to what the form opened with. */
  reset: () => void;
  /** The whole form at once (a restored draft, or back to the saved offer). */
  replace: (form: OfferForm) => void;
}

const replaceAt = <T>(xs: T[], index: number, patch: (x: T) => T): T[] =>
  xs.map((x, i) => (i === index ? patch(x) : x));
const without = <T>(xs: T[], index: number): T[] => xs.filter((_, i) => i !== index);

/**
 * The offer editor's state (after Shopify's discounts reference app `useDiscountForm`): the form,
 * a named setter per field, dirty tracking against the initial form, and submit.
 */
export function useOfferForm(initial: OfferForm, onSubmit: (form: OfferForm) => void): OfferFormState {
  const [form, setForm] = useState<OfferForm>(initial);
  const latest = useRef(form);
  latest.current = form;
  const onSubmitRef = useRef(onSubmit);
  onSubmitRef.current = onSubmit;

  const fields = useMemo<OfferFormFields>(() => {
    const patch = (p: (f: OfferForm) => OfferForm) => setForm(p);
    const targeting = (p: (t: Targeting) => Targeting) => patch((f) => ({ ...f, targeting: p(f.targeting) }));
    const experiment = (p: (e: Experiment) => Experiment) => patch((f) => ({ ...f, experiment: p(f.experiment) }));
    return {
      set: (field, value) => patch((f) => ({ ...f, [field]: value })),
      addItem: (v) =>
        patch((f) =>
          f.items.some((i) => i.variantId === v.variantId) ? f : { ...f, items: [...f.items, { ...v, quantity: "1" }] },
        ),
      setItemQuantity: (index, quantity) =>
        patch((f) => ({ ...f, items: replaceAt(f.items, index, (it) => ({ ...it, quantity })) })),
      removeItem: (index) => patch((f) => ({ ...f, items: without(f.items, index) })),
      setDiscount: (field, value) => patch((f) => ({ ...f, discount: { ...f.discount, [field]: value } })),
      setDiscountAmount: (currency, amount) =>
        patch((f) => ({ ...f, discount: { ...f.discount, amounts: { ...f.discount.amounts, [currency]: amount } } })),
      addLocale: (locale) => patch((f) => ({ ...f, copy: { ...f.copy, [locale]: emptyCopy() } })),
      removeLocale: (locale) =>
        patch((f) => ({ ...f, copy: Object.fromEntries(Object.entries(f.copy).filter(([l]) => l !== locale)) })),
      setCopy: (locale, field, value) =>
        patch((f) => ({ ...f, copy: { ...f.copy, [locale]: { ...f.copy[locale]!, [field]: value } } })),
      setTargeting: (field, value) => targeting((t) => ({ ...t, [field]: value })),
      addTrigger: (v) =>
        targeting((t) =>
          t.triggerProducts.some((p) => p.productId === v.productId)
            ? t
            : {
                ...t,
                triggerProducts: [
                  ...t.triggerProducts,
                  { productId: v.productId, title: v.title.split(" - ")[0] ?? v.title },
                ],
              },
        ),
      removeTrigger: (index) => targeting((t) => ({ ...t, triggerProducts: without(t.triggerProducts, index) })),
      setMinSubtotal: (currency, amount) =>
        targeting((t) => ({ ...t, minSubtotal: { ...t.minSubtotal, [currency]: amount } })),
      setExperiment: (field, value) => experiment((e) => ({ ...e, [field]: value })),
      addVariant: () =>
        experiment((e) => ({
          ...e,
          variants: [...e.variants, newVariant(String.fromCharCode(65 + e.variants.length))],
        })),
      removeVariant: (index) => experiment((e) => ({ ...e, variants: without(e.variants, index) })),
      setVariant: (index, field, value) =>
        experiment((e) => ({ ...e, variants: replaceAt(e.variants, index, (v) => ({ ...v, [field]: value })) })),
    };
  }, []);

  // The initial form comes from the loader: the editor is keyed by the offer's version, so a new
  // version remounts it and this comparison is against what the merchant opened.
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(initial), [form, initial]);
  const submit = useCallback((event?: FormEvent) => {
    event?.preventDefault();
    onSubmitRef.current(latest.current);
  }, []);
  const reset = useCallback(() => setForm(initial), [initial]);
  return { form, fields, dirty, submit, reset, replace: setForm };
}
