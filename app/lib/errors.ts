/**
 * Refusals a feature module states without speaking HTTP: what was wrong, in words the caller can
 * act on. Routes map them to a status at their edge (`answeringRefusals`, and the webhook handler
 * in webhooks.server.ts); anything else a route throws stays a 500. Route guards that are part of
 * Shopify's request flow (`authenticate.*`, `requireShop`) keep throwing Responses, as Shopify's
 * library does.
 */

/** The input does not have the documented shape or values: 400. */
export class InvalidInput extends Error {
  override name = "InvalidInput";
}

/** The HTTP status a refusal maps to, or null for an unexpected error. */
export function refusalStatus(error: unknown): number | null {
  return error instanceof InvalidInput ? 400 : null;
}

/** A refusal as the plain-text answer a route gives; null for an unexpected error. */
export function refusalResponse(error: unknown): Response | null {
  const status = refusalStatus(error);
  if (status === null) return null;
  return new Response((error as Error).message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Runs a loader's or action's work; a refusal becomes its HTTP answer (thrown, for Remix's boundaries). */
export async function answeringRefusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw refusalResponse(error) ?? error;
  }
}
