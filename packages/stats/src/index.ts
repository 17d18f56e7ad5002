export * from "./special";
export * from "./proportions";
export * from "./means";
export * from "./sequential";
export * from "./verdict";
export * from "./random";
