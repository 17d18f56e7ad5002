import { expect, test } from "vitest";
import { binomialDraw, experimentVerdict, mulberry32, wilson, type Sums } from "../src";

const days = (count: number, n: number, p: number, seed: number): Sums[] => {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const x = binomialDraw(random, n, p);
    return { n, sum: x, sumSq: x };
  });
};

test("GIVEN a treatment converting 14% against 10% for 30 days WHEN the verdict is computed THEN it is a winner", () => {
  const v = experimentVerdict({ control: days(30, 300, 0.1, 1), treatment: days(30, 300, 0.14, 2), mde: 0.01 });
  expect(v.kind).toBe("winner");
  expect(v.sequential.pValue).toBeLessThanOrEqual(0.05);
});

test("GIVEN a treatment converting 7% against 10% WHEN the verdict is computed THEN it is a loser", () => {
  const v = experimentVerdict({ control: days(30, 300, 0.1, 3), treatment: days(30, 300, 0.07, 4), mde: 0.01 });
  expect(v.kind).toBe("loser");
});

test("GIVEN equal arms with a generous minimum effect and much traffic WHEN the verdict is computed THEN it is no meaningful difference", () => {
  const v = experimentVerdict({ control: days(30, 5000, 0.1, 5), treatment: days(30, 5000, 0.1, 6), mde: 0.02 });
  expect(v.kind).toBe("no_difference");
});

test("GIVEN three days of a small effect WHEN the verdict is computed THEN it says keep testing with an estimate of days", () => {
  const v = experimentVerdict({ control: days(3, 200, 0.1, 7), treatment: days(3, 200, 0.11, 8), mde: 0.01 });
  expect(v.kind).toBe("keep_testing");
  expect(v.daysToDecision === null || v.daysToDecision > 0).toBe(true);
});

test("GIVEN no buyers WHEN the Wilson interval is asked for THEN it is the whole [0, 1] range, not NaN bounds", () => {
  expect(wilson(0, 0)).toMatchObject({ lower: 0, upper: 1 });
});

/** One day of `n` visitors with this mean and standard deviation, as daily sums. */
const day = (n: number, mean: number, sd: number): Sums => ({ n, sum: n * mean, sumSq: n * (sd * sd + mean * mean) });

test("GIVEN an experiment that reaches 100 visitors per arm only after its 30-day horizon WHEN judged THEN it is not declared 'no difference' on its first look", () => {
  const control = Array.from({ length: 35 }, () => day(3, 100, 400));
  const treatment = Array.from({ length: 35 }, () => day(3, 100, 400));
  const v = experimentVerdict({ control, treatment, mde: 5 });
  expect(v.kind).toBe("keep_testing");
});

test("GIVEN a planned horizon reached with an interval far wider than the minimum effect WHEN judged THEN the verdict is inconclusive, not no difference", () => {
  const control = Array.from({ length: 30 }, () => day(20, 100, 400));
  const treatment = Array.from({ length: 30 }, () => day(20, 100, 400));
  const v = experimentVerdict({ control, treatment, mde: 5 });
  expect(v.kind).toBe("inconclusive");
  expect(v.interval.upper - v.interval.lower).toBeGreaterThan(10);
});
