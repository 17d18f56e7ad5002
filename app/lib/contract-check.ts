// Compile-time checks that a server-side schema and the contract type it validates
// (@moments/contracts) describe one shape: `Holds<...>` fails the typecheck when they drift apart.

/** True when A and B have exactly the same field names. */
export type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/** Accepts `true` only. */
export type Holds<T extends true> = T;
