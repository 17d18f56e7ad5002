export * from "./model";
export * from "./money";
export * from "./assign";
export * from "./payload";
export * from "./decide";
export * from "./verify";
export { validate, type Issue, type Spec } from "./v";
export * from "./schema";
export * from "./exposure";
