/** A small pool: at most `limit` tasks in flight. */
export function pool(limit: number) {
  const running = new Set<Promise<void>>();
  return {
    async run(task: () => Promise<void>) {
      while (running.size >= limit) await Promise.race(running);
      const p = task().finally(() => running.delete(p));
      running.add(p);
    },
    async drain() {
      await Promise.all(running);
    },
  };
}
