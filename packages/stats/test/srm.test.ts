import { describe, expect, test } from "vitest";
import { chiSquareSf, experimentVerdict, mulberry32, normalSf, sampleRatioMismatch } from "../src";

// No SciPy here: the chi-square tail is checked against closed forms (df = 1: 2 (1 - Phi(sqrt x));
// df = 2: exp(-x / 2); df = 4: exp(-x / 2) (1 + x / 2)) and textbook critical values.
describe("chi-square tail against closed forms", () => {
  test.each([0.5, 1, 3.841458820694124, 10, 20])("GIVEN x = %s, df = 1 WHEN the tail is computed THEN it equals 2 (1 - Phi(sqrt x))", (x) => {
    expect(chiSquareSf(x, 1)).toBeCloseTo(2 * normalSf(Math.sqrt(x)), 12);
  });
  test.each([0.1, 2, 5.991464547107979, 13.815510557964274])("GIVEN x = %s, df = 2 WHEN the tail is computed THEN it equals exp(-x/2)", (x) => {
    expect(Math.abs(chiSquareSf(x, 2) / Math.exp(-x / 2) - 1)).toBeLessThan(1e-10);
  });
  test.each([1, 9.487729036781154, 30])("GIVEN x = %s, df = 4 WHEN the tail is computed THEN it equals exp(-x/2)(1 + x/2)", (x) => {
    expect(Math.abs(chiSquareSf(x, 4) / (Math.exp(-x / 2) * (1 + x / 2)) - 1)).toBeLessThan(1e-10);
  });
  test("GIVEN the textbook critical values 3.841 (df 1), 5.991 (df 2), 10.828 (df 1) WHEN their tails are computed THEN they are 0.05, 0.05 and 0.001", () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(10.827566170662733, 1)).toBeCloseTo(0.001, 9);
  });
});

test("GIVEN a 50/50 split observed as 50.5% / 49.5% of 200,000 visitors WHEN SRM is checked THEN it is flagged with a reason", () => {
  const r = sampleRatioMismatch([101_000, 99_000], [0.5, 0.5]);
  expect(r.statistic).toBeCloseTo(20, 9);
  expect(r.pValue).toBeCloseTo(2 * normalSf(Math.sqrt(20)), 12);
  expect(r.flagged).toBe(true);
  expect(r.reason).toMatch(/50\.5% \/ 49\.5%/);
});

test("GIVEN 2,000 experiments whose visitors follow the configured split WHEN SRM is checked THEN about 0.1% are flagged", () => {
  const random = mulberry32(2026);
  const shares = [0.1, 0.45, 0.45];
  let flagged = 0;
  let twoArmFlagged = 0;
  const runs = 2000;
  for (let r = 0; r < runs; r++) {
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const u = random();
      counts[u < 0.1 ? 0 : u < 0.55 ? 1 : 2]!++;
    }
    if (sampleRatioMismatch(counts, shares).flagged) flagged++;
    if (sampleRatioMismatch([counts[0]!, counts[1]!], [0.1, 0.45]).flagged) twoArmFlagged++;
  }
  console.log(`SRM on a correct split: flagged ${((flagged / runs) * 100).toFixed(2)}% (3 arms), ${((twoArmFlagged / runs) * 100).toFixed(2)}% (2 arms) of ${runs}`);
  expect(flagged / runs).toBeLessThanOrEqual(0.004);
  expect(twoArmFlagged / runs).toBeLessThanOrEqual(0.004);
});

test("GIVEN a verdict whose arms split 50.5/49.5 against a configured 50/50 WHEN the verdict is computed THEN it is sample_ratio_mismatch, whatever the difference", () => {
  const day = (n: number, rate: number) => ({ n, sum: n * rate, sumSq: n * rate });
  const control = Array.from({ length: 20 }, () => day(4950, 0.1));
  const treatment = Array.from({ length: 20 }, () => day(5050, 0.2));
  const v = experimentVerdict({ control, treatment, mde: 0.01, expectedShares: [0.5, 0.5] });
  expect(v.kind).toBe("sample_ratio_mismatch");
  expect(v.srm?.flagged).toBe(true);
  expect(v.reason).toMatch(/configured/);
});
