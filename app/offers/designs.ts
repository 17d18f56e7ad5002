/**
 * The offer layouts as the merchant chooses them (decision 024), and reading designs stored
 * before they were layouts. Shared by the browser (editor) and the server (offer rows).
 */
import { DESIGNS, type Design } from "@moments/engine";
import { englishT, type AdminT } from "~/i18n/catalogue";

export const DEFAULT_DESIGN: Design = "card";

/** The layouts in the editor's order, in the merchant's words. */
export const DESIGN_CHOICES: ReadonlyArray<{ value: Design; label: string; helpText: string }> = [
  { value: "card", label: "Card with image", helpText: "The product image beside the headline, text and price." },
  { value: "compact", label: "Compact line", helpText: "One line: a small thumbnail, the headline and the price." },
  {
    value: "banner",
    label: "Banner",
    helpText: "A wide product image above a bold headline: for the offer that matters most.",
  },
];

export const designLabel = (d: string | null | undefined): string =>
  DESIGN_CHOICES.find((c) => c.value === d)?.label ?? DESIGN_CHOICES[0]!.label;

export const isDesign = (x: unknown): x is Design =>
  typeof x === "string" && (DESIGNS as readonly string[]).includes(x);

/**
 * A stored design -> the layout it is. Designs were free text before they were layouts: one the
 * surfaces do not know is read as the default layout and returned as `legacy`, for the editor to
 * tell the merchant (the stored text is kept until the offer is saved again).
 */
export function readDesign(x: unknown): { design?: Design; legacy?: string } {
  if (x === undefined || x === null || x === "") return {};
  if (isDesign(x)) return { design: x };
  return { legacy: typeof x === "string" ? x : JSON.stringify(x) };
}

/**
 * An offer definition as stored (parsed JSON) with designs that are not layouts removed (the offer's
 * and its experiment arms'), so the engine's schema accepts it; returns the texts removed.
 */
export function dropLegacyDesigns(definition: Record<string, unknown>): string[] {
  const legacy: string[] = [];
  const fix = (o: Record<string, unknown>) => {
    const r = readDesign(o.design);
    if (r.legacy === undefined) return;
    legacy.push(r.legacy);
    delete o.design;
  };
  fix(definition);
  const experiment = definition.experiment as { variants?: unknown } | undefined;
  if (experiment && Array.isArray(experiment.variants))
    for (const v of experiment.variants) if (v && typeof v === "object") fix(v as Record<string, unknown>);
  return legacy;
}

/** What the editor says about designs read as the default layout, in the merchant's language. */
export function legacyDesignNotice(legacy: readonly string[], t: AdminT = englishT): string | null {
  if (legacy.length === 0) return null;
  const names = [...new Set(legacy)].map((d) => `"${d}"`).join(", ");
  return t("offerPage.legacyDesign", { names, layout: t(`designs.${DEFAULT_DESIGN}`) });
}
