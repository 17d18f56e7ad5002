// Every shape that crosses a boundary between the app and its surfaces, once. Types and constants
// only (no I/O), so every extension can import it without growing its bundle by more than what it
// uses. The engine's own shapes (Offer, Payload, the decision) stay in @moments/engine.
export * from "./events";
export * from "./journey-arms";
export * from "./post-purchase";
export * from "./thank-you";
export * from "./function-shards";
export * from "./function-variables";
export * from "./function-input";
/** The cart / order attributes every surface writes (journey key, offer tokens): the engine's. */
export { ATTR } from "@moments/engine";
