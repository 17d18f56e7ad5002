/** The merchant's choice per experiment (decision 030): the configured split, or automatic allocation. */
export const ALLOCATIONS = ["fixed", "automatic"] as const;
export type Allocation = (typeof ALLOCATIONS)[number];
export const isAllocation = (x: unknown): x is Allocation => x === "fixed" || x === "automatic";
