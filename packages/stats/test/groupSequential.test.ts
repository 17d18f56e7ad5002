import { expect, test } from "vitest";
import { groupSequentialBoundaries, pocockSpending } from "../src";

// Published Lan-DeMets boundaries, 5 equally spaced looks, two-sided alpha 0.05 (Jennison and
// Turnbull 2000, table 7.x; the same as R's ldbounds / gsDesign): O'Brien-Fleming-type and Pocock-type.
test("GIVEN 5 equally spaced looks WHEN O'Brien-Fleming-type spending boundaries are computed THEN they match the published 4.877, 3.357, 2.680, 2.290, 2.031", () => {
  const b = groupSequentialBoundaries([1, 2, 3, 4, 5], [0.2, 0.4, 0.6, 0.8, 1], 0.05);
  [4.8769, 3.3569, 2.6803, 2.2898, 2.031].forEach((x, i) => expect(Math.abs(b[i]! - x)).toBeLessThan(5e-4));
});

test("GIVEN 5 equally spaced looks WHEN Pocock-type spending boundaries are computed THEN they match the published 2.438, 2.427, 2.410, 2.397, 2.386", () => {
  const b = groupSequentialBoundaries([1, 2, 3, 4, 5], [0.2, 0.4, 0.6, 0.8, 1], 0.05, pocockSpending);
  [2.438, 2.4268, 2.4101, 2.3966, 2.3859].forEach((x, i) => expect(Math.abs(b[i]! - x)).toBeLessThan(5e-4));
});
