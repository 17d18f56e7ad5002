import type { PrismaClient } from "@prisma/client";

/** A job the app process repeats in the background (retention, suggestions, guardrail, allocation). */
export interface Repeating {
  /** Cancels the next run; resolves after the run in progress, if any. */
  stop(): Promise<void>;
}

/** What each scheduled job is given: the database, its timing, a clock and a log (tests set them). */
export interface JobSchedule {
  prisma: PrismaClient;
  firstRunMs?: number;
  everyMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

/**
 * Runs `job` `firstRunMs` after the call, then `everyMs` after each run ends, so runs never
 * overlap. Timers are unref()ed: they never keep the process alive. A failed run is logged as
 * `<name>: run failed: <message>` and never thrown; the next run comes as planned.
 */
export function repeatInBackground(
  name: string,
  job: () => Promise<void>,
  opts: { firstRunMs: number; everyMs: number; log: (line: string) => void },
): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const run = async () => {
    try {
      await job();
    } catch (error) {
      opts.log(`${name}: run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const arm = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = run().finally(() => {
        inFlight = undefined;
        arm(opts.everyMs);
      });
    }, ms);
    timer.unref();
  };
  arm(opts.firstRunMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
