/**
 * The storefront's experiment arms, carried into the checkout (decision 035). The storefront
 * script writes the arms the app proxy decided for its journey (hold-out included) on the cart as
 * the `_moments_arms` attribute; cart attributes reach the checkout (`shopify.attributes`) and the
 * order. The checkout extension pins the same arms (decision 030's `pinPayload`) and reports that
 * the journey reached the checkout in them (the completion guardrail of pre-checkout offers).
 *
 * Value: the journey key the arms were decided under, then one entry per experiment version,
 * separated by single spaces: `<journeyKey> <experimentId>:<version>:<arm> ...`, `arm` being
 * "holdout" or the variant's arm id. The first entry per experiment version is kept (the arm
 * first shown). Buyers can write cart attributes themselves: readers take at most ARMS_MAX
 * well-formed entries of a value at most ARMS_MAX_LENGTH long, ignore anything else, and use the
 * arms only when the journey key is the checkout's own.
 */
export const ARMS_ATTR = "_moments_arms";
/** Experiment versions a value carries at most (the storefront has two moments, each a few places). */
export const ARMS_MAX = 8;
/** Characters of the attribute value at most (8 entries of 64-character ids fit). */
export const ARMS_MAX_LENGTH = 1024;
/** One entry: experiment id (engine: at most 64), version, arm id (at most 32) or "holdout". */
export const ARMS_ENTRY = /^([A-Za-z0-9_-]{1,64}):([1-9][0-9]{0,6}):([A-Za-z0-9_-]{1,32})$/;
/** The journey key heading the value (the storefront's is 32 hex digits). */
export const ARMS_JOURNEY = /^[A-Za-z0-9_-]{8,128}$/;
