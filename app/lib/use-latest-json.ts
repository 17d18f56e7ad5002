import { useCallback, useEffect, useRef, useState } from "react";

export interface LatestJson<T> {
  /** The newest answer (or the initial value until one arrives). */
  data: T | null;
  /** A request is in flight. */
  loading: boolean;
  /** Why the newest request failed, in words; null when it did not. */
  error: string | null;
  /** Starts a request; the one still in flight is aborted (its answer would be stale). */
  run: (url: string, init?: RequestInit) => void;
}

/**
 * JSON from one of the app's resource routes, the newest request winning: starting a request
 * aborts the one in flight, and leaving the page aborts it too. Those aborts are expected, so they
 * are silent; any other failure is reported in `error`.
 *
 * Not a Remix fetcher on purpose: a fetcher's POST revalidates every loader on the page, and the
 * router aborts fetchers and revalidations when the page navigates (a save is a navigation), which
 * Remix's single fetch reports as uncaught AbortErrors mid-response. A plain `fetch` is neither
 * (in the Shopify admin, App Bridge adds the session token to it as it does to a fetcher's).
 */
export function useLatestJson<T>(initial: T | null = null): LatestJson<T> {
  const [state, setState] = useState<{ data: T | null; loading: boolean; error: string | null }>({
    data: initial,
    loading: false,
    error: null,
  });
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const run = useCallback((url: string, init?: RequestInit) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ ...s, loading: true }));
    const headers = new Headers(init?.headers);
    headers.set("Accept", "application/json");
    fetch(url, { ...init, headers, signal: controller.signal })
      .then(async (response) => {
        if (!response.ok)
          throw new Error(`${response.status} ${(await response.text()).slice(0, 200) || response.statusText}`);
        return (await response.json()) as T;
      })
      .then(
        (data) => {
          if (inFlight.current !== controller) return;
          inFlight.current = null;
          setState({ data, loading: false, error: null });
        },
        (error: unknown) => {
          // Aborted by a newer request or by leaving the page: expected, nothing to report.
          if (controller.signal.aborted || inFlight.current !== controller) return;
          inFlight.current = null;
          setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error.message : String(error) }));
        },
      );
  }, []);

  return { ...state, run };
}
