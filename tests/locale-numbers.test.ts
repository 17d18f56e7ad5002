/**
 * The guardrail's evidence (admin banner and email) and the shared formatter in the merchant's
 * locale: German "1.234,5", French "1 234,5" (Intl's narrow no-break space), English "1,234.5".
 */
import { describe, expect, it } from "vitest";
import { EN, translatorOver } from "~/i18n/catalogue";
import { formatters } from "~/i18n/format";
import { loserEvidenceText, pauseEvidenceText, type PauseEvidence } from "~/guardrail/evidence";
import deGuardrail from "~/locales/de/guardrail.json";
import frGuardrail from "~/locales/fr/guardrail.json";

const de = formatters("de");
const fr = formatters("fr");
const NNBSP = "\u202f";

const evidence: PauseEvidence = {
  day: "2026-12-02",
  days: 6,
  differencePoints: -28.61,
  lowerPoints: -68.24,
  upperPoints: -5.37,
  pValue: 0.0042,
  thresholdPoints: 1.5,
  alpha: 0.01,
  treated: { reached: 1234, completed: 586 },
  holdout: { reached: 2048, completed: 1726 },
};

describe("the shared number formatter", () => {
  it("GIVEN 1234.5 WHEN formatted with one decimal THEN each locale groups and marks decimals its own way", () => {
    expect(de.decimal(1234.5, 1)).toBe("1.234,5");
    expect(fr.decimal(1234.5, 1)).toBe(`1${NNBSP}234,5`);
    expect(formatters("en").decimal(1234.5, 1)).toBe("1,234.5");
    expect(de.decimal(-28.61, 1, true)).toBe("-28,6");
    expect(de.decimal(5.37, 1, true)).toBe("+5,4");
    expect(de.decimal(-Infinity)).toBe("-∞");
    expect(de.significant(0.0042)).toBe("0,0042");
    // French: narrow no-break space between groups, no-break space before the percent sign.
    expect(fr.percent(0.4749)).toBe("47,5\u00a0%");
    expect(de.money(123456, "EUR")).toBe("1.234,56\u00a0€");
    expect(fr.money(123456, "EUR")).toBe(`1${NNBSP}234,56\u00a0€`);
  });
});

describe("the guardrail's evidence in the merchant's locale", () => {
  it("GIVEN a pause's evidence WHEN written in German THEN counts, rates, points, p and the day read German", () => {
    const text = pauseEvidenceText(translatorOver({ ...EN, ...deGuardrail }), evidence, de);
    expect(text).toContain("47,5\u00a0% (586 von 1.234 Checkouts)");
    expect(text).toContain("84,3\u00a0% (1.726 von 2.048)");
    expect(text).toContain("Differenz -28,6 Prozentpunkte");
    expect(text).toContain("-68,2 bis -5,4 Punkte");
    expect(text).toContain("p = 0,0042, höchstens 0,01");
    expect(text).toContain("Schwellenwert von 1,5 Punkten");
    expect(text).toContain("98\u00a0%");
    expect(text).toContain("02.12.2026");
    for (const english of ["28.6", "47.5%", "0.0042", "1,234", "2026-12-02"]) expect(text).not.toContain(english);
  });

  it("GIVEN the same evidence WHEN written in French THEN the grouping is a narrow no-break space and decimals a comma", () => {
    const text = pauseEvidenceText(translatorOver({ ...EN, ...frGuardrail }), evidence, fr);
    expect(text).toContain(`47,5\u00a0% (586 sur 1${NNBSP}234 paiements)`);
    expect(text).toContain("Écart de -28,6 points");
    expect(text).toContain("p = 0,0042");
  });

  it("GIVEN a loser's evidence (fractional minor units per visitor) WHEN written in German and French THEN money is in that locale", () => {
    const loser = {
      currency: "EUR",
      comparisons: [{ label: "Variant B", estimate: -123456.4, lower: -250000, upper: -310, reason: "" }],
    };
    const deText = loserEvidenceText(translatorOver({ ...EN, ...deGuardrail }), loser, de);
    expect(deText).toContain("-1.234,56\u00a0€");
    expect(deText).toContain("-2.500,00\u00a0€");
    const frText = loserEvidenceText(translatorOver({ ...EN, ...frGuardrail }), loser, fr);
    expect(frText).toContain(`-1${NNBSP}234,56\u00a0€`);
  });
});
