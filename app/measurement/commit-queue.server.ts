import type { PrismaClient } from "@prisma/client";
import { dialectOfClient, isRetryableConflict, isUniqueViolation, join, query, raw, sql } from "~/lib/sql.server";
import { driverOf, NeedsPrismaTransaction, type SqlTx } from "~/lib/driver.server";
import { LockScopeChanged } from "./journeys.server";
import { eventKey, type Valid } from "./exposure-check.server";
import type { FirstTrip, ShopBatch } from "./one-trip.server";

export interface Submission {
  shopId: string;
  currency: string;
  events: Valid[];
}

/** Writes one shop's events in a transaction; returns the keys (eventKey) of those it stored. */
export type StoreEvents = (tx: SqlTx, shopId: string, currency: string, events: Valid[], onNewKeys: "throw") => Promise<Set<string>>;

/** A row this transaction meant to create was created by another one meanwhile: run it again. */
export class WrittenConcurrently extends Error {
  constructor(what: string) {
    super(`${what} was written by another transaction meanwhile`);
  }
}

/**
 * The shop a batch was queued for is no longer installed (uninstalled, or deleted by shop/redact
 * since the caller looked it up): its events are not stored; the caller answers 404.
 */
export class ShopNotInstalled extends Error {
  constructor(readonly shopId: string) {
    super("the shop is not installed");
  }
}

/** More events are waiting for the database than the queue holds: the caller answers 503 + Retry-After. */
export class Overloaded extends Error {
  readonly retryAfterSeconds = 1;
  constructor(queued: number, waitedMs?: number) {
    super(
      waitedMs === undefined
        ? `ingestion is saturated (${queued} events waiting to be written): retry shortly`
        : `the database took no new batch for ${waitedMs / 1000} s (${queued} events waiting to be written): retry shortly`,
    );
  }
}

export interface CommitQueueOptions {
  /** Events waiting at most; a batch that would pass it is refused at once (memory stays bounded). */
  maxQueuedEvents: number;
  /** Events per transaction at most. */
  maxEventsPerCommit: number;
  /** Transactions in flight at once (the app runs one on either database: decision 018). */
  parallel: number;
  /**
   * How long a batch may wait for its transaction to start (default 5 s, the pg pool's wait for a
   * connection): past it, it is refused with Overloaded. A transaction stuck on a lock then costs
   * the batches behind it a 503 with Retry-After, not a request held open without end.
   */
  maxWaitMs?: number;
  /**
   * A group's first attempt, when the database has a faster way for the common case (PostgreSQL:
   * one round trip, one-trip.server.ts); the shops it leaves (`withOrders`), or all of them if it
   * fails on a conflict, go through `store` in a transaction of the queue's own.
   */
  firstTrip?: (shops: ShopBatch[]) => Promise<FirstTrip>;
  /** Work for `firstTrip` done as a batch is queued, while the transaction before it runs. */
  prepare?: (shopId: string, events: Valid[]) => void;
  /**
   * Resolves when the batches already on their way to the queue are in it: what a group waits for
   * before it is formed (default: one turn of the event loop).
   */
  gather?: () => Promise<void>;
}

interface Entry {
  submission: Submission;
  /**
   * The shop's journeys the batch writes (shopId NUL journeyKey), filled with transactions in
   * parallel: the advisory locks its transaction takes first (lockJourneys adds the other keys of
   * an order already linked to one).
   */
  journeys: Set<string>;
  resolve: (stored: Set<string>) => void;
  reject: (error: unknown) => void;
  /** Refuses the batch if it is still waiting after maxWaitMs; cleared when a group takes it. */
  expiry: ReturnType<typeof setTimeout> | undefined;
}

const sharesAny = (a: Set<string>, b: Set<string>): boolean => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

const settle = (entry: Entry, result: Set<string> | ShopNotInstalled) =>
  result instanceof ShopNotInstalled ? entry.reject(result) : entry.resolve(result);

/**
 * Group commit for event batches. Each request's batch waits here while a transaction is in
 * flight; the next transaction takes everything that gathered meanwhile (per shop, merged into one
 * storeBatch: one INSERT of events, one roll-up upsert). Under load a transaction carries many
 * requests' events, so the database work per event falls as concurrency rises, and an idle server
 * still commits a lone batch at once (nothing waits on a timer). A batch is answered only after its
 * transaction committed: what is acknowledged is durable.
 */
export class CommitQueue {
  private pending: Entry[] = [];
  private queued = 0;
  /** Events in `pending` (queued counts those of groups in flight too). */
  private waiting = 0;
  /** Called once `waiting` reaches a group's worth: drains gathering stop waiting then. */
  private readonly groupFull = new Set<() => void>();
  private active = 0;
  /** Journeys of the groups in flight, one set per group (only with parallel > 1). */
  private readonly inFlight = new Set<Set<string>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: StoreEvents,
    private readonly options: CommitQueueOptions,
  ) {}

  submit(submission: Submission): Promise<Set<string>> {
    const n = submission.events.length;
    if (this.queued > 0 && this.queued + n > this.options.maxQueuedEvents) return Promise.reject(new Overloaded(this.queued));
    this.options.prepare?.(submission.shopId, submission.events);
    const journeys = new Set<string>();
    if (this.options.parallel > 1) for (const v of submission.events) journeys.add(`${submission.shopId}\u0000${v.event.journeyKey}`);
    return new Promise((resolve, reject) => {
      const entry: Entry = { submission, journeys, resolve, reject, expiry: undefined };
      entry.expiry = setTimeout(() => this.expire(entry), this.maxWaitMs);
      entry.expiry.unref?.();
      this.pending.push(entry);
      this.queued += n;
      this.waiting += n;
      if (this.waiting >= this.options.maxEventsPerCommit) for (const stop of this.groupFull) stop();
      if (this.active < this.options.parallel) void this.drain();
    });
  }

  /** A batch still waiting after maxWaitMs leaves the queue, refused: the client retries later. */
  private expire(entry: Entry): void {
    const at = this.pending.indexOf(entry);
    if (at < 0) return;
    this.pending.splice(at, 1);
    this.queued -= entry.submission.events.length;
    this.waiting -= entry.submission.events.length;
    entry.reject(new Overloaded(this.queued, this.maxWaitMs));
  }

  private get maxWaitMs(): number {
    return this.options.maxWaitMs ?? 5_000;
  }

  private async drain(): Promise<void> {
    this.active++;
    try {
      while (this.pending.length) {
        // A turn of the event loop first (or `gather`): requests that arrived meanwhile get read
        // and join this group. Without it a synchronous driver (SQLite's) runs each transaction to
        // its end in microtasks, and every batch would commit alone.
        await this.gathered();
        const { group, n, journeys } = this.nextGroup();
        // Everything waiting shares a journey with a group in flight: that group's drain takes it.
        if (group.length === 0) break;
        if (journeys) this.inFlight.add(journeys);
        // What this group left behind (not its journeys) can go alongside it.
        if (this.pending.length && this.active < this.options.parallel) void this.drain();
        try {
          const stored = await this.commit(group);
          group.forEach((entry, i) => settle(entry, stored[i]!));
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          // One batch's failure must not fail the others that happened to share its transaction.
          else for (const entry of group) await this.commit([entry]).then((s) => settle(entry, s[0]!), entry.reject);
        } finally {
          this.queued -= n;
          if (journeys) this.inFlight.delete(journeys);
        }
      }
    } finally {
      this.active--;
    }
  }

  /**
   * `gather`, cut short once a group's worth of events is waiting: with many connections the
   * batches still to be parsed could outnumber a group, and the database would wait for all of
   * them to be parsed before a group it cannot take whole.
   */
  private async gathered(): Promise<void> {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.options.gather || this.waiting >= this.options.maxEventsPerCommit) return turn();
    let stop!: () => void;
    const full = new Promise<void>((resolve) => (stop = resolve));
    this.groupFull.add(stop);
    try {
      await Promise.race([this.options.gather(), full]);
    } finally {
      this.groupFull.delete(stop);
    }
  }

  /**
   * The oldest waiting batches, up to maxEventsPerCommit events. With transactions in parallel, a
   * batch that writes a journey of a group in flight waits for the next group: its transaction
   * would wait on that journey's exclusive lock, or on its rows, until the other commits, holding
   * back everything else it carries. Batches of one journey are sent one after another by one buyer's
   * browser, so this is rare in the field; a client that splits a journey over concurrent requests
   * (or a retry racing its first attempt) is served in order rather than serialized in the database.
   */
  private nextGroup(): { group: Entry[]; n: number; journeys: Set<string> | null } {
    const group: Entry[] = [];
    let n = 0;
    if (this.options.parallel === 1) {
      while (this.pending.length && (group.length === 0 || n + this.pending[0]!.submission.events.length <= this.options.maxEventsPerCommit)) {
        const entry = this.pending.shift()!;
        clearTimeout(entry.expiry);
        group.push(entry);
        n += entry.submission.events.length;
      }
      this.waiting -= n;
      return { group, n, journeys: null };
    }
    const journeys = new Set<string>();
    // Journeys in flight, and those of batches left waiting: a later batch of one of them waits too,
    // so that one journey's batches still commit in the order they arrived.
    const held = new Set<string>();
    for (const flying of this.inFlight) for (const j of flying) held.add(j);
    const left: Entry[] = [];
    let skipped = 0;
    let scanned = 0;
    // The scan stops past maxEventsPerCommit events left waiting: forming a group costs at most
    // about two groups' worth of entries, however long the queue behind them.
    for (; scanned < this.pending.length && skipped <= this.options.maxEventsPerCommit; scanned++) {
      const entry = this.pending[scanned]!;
      const size = entry.submission.events.length;
      if (sharesAny(entry.journeys, held)) {
        for (const j of entry.journeys) held.add(j);
        left.push(entry);
        skipped += size;
        continue;
      }
      if (group.length > 0 && n + size > this.options.maxEventsPerCommit) break;
      clearTimeout(entry.expiry);
      group.push(entry);
      n += size;
      for (const j of entry.journeys) journeys.add(j);
    }
    this.pending = left.concat(this.pending.slice(scanned));
    this.waiting -= n;
    return { group, n, journeys };
  }

  /**
   * On the driver under the client when it has one (driver.server.ts); through Prisma when it has
   * none, or when the group needs Prisma's models (events of journeys that already have orders:
   * rare, since views and exposures come before the order). The driver's attempt is rolled back.
   */
  private async transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    const driver = driverOf(this.prisma);
    if (driver) {
      try {
        return await driver.transaction(work);
      } catch (error) {
        if (!(error instanceof NeedsPrismaTransaction)) throw error;
      }
    }
    return this.prisma.$transaction(work, { timeout: 30_000, maxWait: 5_000 });
  }

  /**
   * The group's events per shop, each event id once: the first entry that carries it owns its
   * answer; a copy in a later entry (a client's retry racing its first attempt) reads as a duplicate.
   */
  private shopsOf(group: Entry[]): { owner: Map<string, Entry>; shops: ShopBatch[] } {
    const owner = new Map<string, Entry>();
    const byShop = new Map<string, ShopBatch>();
    for (const entry of group) {
      const { shopId, currency, events } = entry.submission;
      const shop = byShop.get(shopId) ?? byShop.set(shopId, { shopId, currency, events: [] }).get(shopId)!;
      for (const v of events) {
        const key = `${shopId}\u0000${eventKey(v.event)}`;
        if (owner.has(key)) continue;
        owner.set(key, entry);
        shop.events.push(v);
      }
    }
    return { owner, shops: [...byShop.values()].sort((a, b) => (a.shopId < b.shopId ? -1 : a.shopId > b.shopId ? 1 : 0)) };
  }

  /**
   * The group's first attempt (`firstTrip`), then one transaction for the shops it left, retried
   * when a concurrent writer won a race; stored ids per entry. The transaction first reads which
   * of its shops are installed (one statement: callers may have taken the shop from a cache); a
   * shop that is not gets nothing stored and its entries a ShopNotInstalled.
   */
  private async commit(group: Entry[]): Promise<Array<Set<string> | ShopNotInstalled>> {
    const { owner, shops } = this.shopsOf(group);
    const stored = new Set<string>();
    const installed = new Set<string>();
    let rest = shops;
    if (this.options.firstTrip) {
      try {
        const trip = await this.options.firstTrip(shops);
        for (const shopId of trip.installed) installed.add(shopId);
        for (const [shopId, keys] of trip.stored) for (const key of keys) stored.add(`${shopId}\u0000${key}`);
        rest = shops.filter((s) => trip.withOrders.has(s.shopId));
      } catch (error) {
        // Rolled back whole: the checked path below runs it again.
        if (!runsAgain(error)) throw error;
      }
    }
    for (let attempt = 1; rest.length > 0; attempt++) {
      try {
        const written = await this.transaction(async (tx) => {
          const out = new Set<string>();
          const rows = await query<{ id: string }>(
            tx,
            // FOR SHARE on PostgreSQL: shop/redact locks the shop row before deleting its data
            // (privacy.server.ts), so it waits for this commit, or this reads the shop gone.
            sql`SELECT "id" FROM "Shop" WHERE "id" IN (${join(rest.map((s) => sql`${s.shopId}`))}) AND "uninstalledAt" IS NULL${raw(dialectOfClient(tx) === "postgresql" ? " FOR SHARE" : "")}`,
          );
          const live = new Set(rows.map((r) => r.id));
          for (const { shopId, currency, events } of rest) {
            if (!live.has(shopId)) continue;
            for (const key of await this.store(tx, shopId, currency, events, "throw")) out.add(`${shopId}\u0000${key}`);
          }
          return { out, live };
        });
        for (const key of written.out) stored.add(key);
        for (const shopId of written.live) installed.add(shopId);
        break;
      } catch (error) {
        if (!runsAgain(error) || attempt >= 4) throw error;
      }
    }
    return group.map((entry) => {
      if (!installed.has(entry.submission.shopId)) return new ShopNotInstalled(entry.submission.shopId);
      const mine = new Set<string>();
      for (const v of entry.submission.events) {
        const key = `${entry.submission.shopId}\u0000${eventKey(v.event)}`;
        if (owner.get(key) === entry && stored.has(key)) mine.add(eventKey(v.event));
      }
      return mine;
    });
  }
}

/**
 * Another instance committed the same events first (its rows now read as duplicates), an order
 * linked a journey to another key while we waited for its lock, or PostgreSQL broke a deadlock by
 * aborting us: all resolve by running the transaction again.
 */
const runsAgain = (error: unknown): boolean =>
  isUniqueViolation(error) || isRetryableConflict(error) || error instanceof LockScopeChanged || error instanceof WrittenConcurrently;
