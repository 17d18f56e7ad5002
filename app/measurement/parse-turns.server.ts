// The event endpoints parse one batch per turn of the event loop; the commit queue forms a group
// once the batches that were already read have been parsed (docs/decisions/040-commit-cycle.md).

let lastTurn: Promise<void> = Promise.resolve();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves on a later turn of the event loop than the request before it: one batch's parse and
 * validation per turn, and between turns the I/O that arrived, above all the database's answers to
 * the commit in flight, which then sends its next statement at once instead of after every batch
 * that arrived meanwhile was parsed. Those batches wait for the next commit anyway (measured on
 * PostgreSQL, batches of 50: commit p50 12.8 -> 10.3 ms, docs/decisions/018-hot-path-driver.md).
 */
export function parseTurn(): Promise<void> {
  const turn = lastTurn.then(nextTurn);
  lastTurn = turn;
  return turn;
}

/**
 * Resolves once every batch waiting for a parse turn now has been parsed and queued (a turn after
 * the last of them: what follows its parse runs in microtasks, unless it has to read the shop or
 * its experiments from the database, and then it joins the next group), and at least one turn
 * later, so that requests read meanwhile have taken their place in line. The commit queue waits
 * for it before it forms a group: with SQLite's synchronous driver, a group formed after a single
 * turn held the batches parsed by then, and the others each waited for a commit of their own
 * (counted at 10 connections, batches of 50: groups of 2 batches almost always; 4 to 6 with this,
 * decision 040).
 */
export function parsedBatches(): Promise<void> {
  return lastTurn.then(nextTurn);
}
