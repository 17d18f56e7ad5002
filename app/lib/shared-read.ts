/**
 * The read running for `key`, or a new one from `start`: callers that miss a cache together (every
 * connection once an entry expired) wait on one read instead of each making their own. The entry
 * leaves `running` when the read settles, whichever way.
 */
export function sharedRead<K, T>(running: Map<K, Promise<T>>, key: K, start: () => Promise<T>): Promise<T> {
  let read = running.get(key);
  if (!read) {
    read = start().finally(() => running.delete(key));
    running.set(key, read);
  }
  return read;
}
