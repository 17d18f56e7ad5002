import { imageSpec } from "./model";
import { validate } from "./v";

/**
 * An image URL as the offer model stores it (`Offer.image`): [folder, file], split at the path's
 * last "/", so the payload stores a shop's CDN folder once. Null when the model cannot hold it
 * (not https nor a path on the app's origin, too long, a "/" in the query): the offer then shows
 * without an image rather than failing to publish.
 */
export function splitImageUrl(url: string): [string, string] | null {
  const query = url.search(/[?#]/);
  const cut = url.lastIndexOf("/", query < 0 ? url.length : query) + 1;
  const parts: [string, string] = [url.slice(0, cut), url.slice(cut)];
  return cut > 0 && validate(imageSpec, parts) === null ? parts : null;
}

/** The image's URL from its stored parts (`ShownOffer.image` is this). */
export const joinImage = (image: readonly string[] | undefined): string | undefined =>
  image ? image[0]! + image[1]! : undefined;
