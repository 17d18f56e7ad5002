import { randomUUID } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): the first 48 bits are the time in milliseconds, the rest random. Rows keyed
 * by it land at the end of their primary-key index instead of on a random page, so a batch of
 * inserts touches a few index pages, not one per row (the event hot path's cost on SQLite,
 * docs/decisions/018-hot-path-driver.md). Unique as a random UUID is; not a secret.
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, "0").slice(-12);
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
