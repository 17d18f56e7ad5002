import autocannon, { type Request } from "autocannon";

/** What one autocannon run against the built server showed. */
export interface LoadRun {
  /** Seconds from start to stop (autocannon's own clock). */
  seconds: number;
  /** 2xx answers a second: work the server did, not answers it refused. */
  okPerSecond: number;
  /** Latency of every answer, whatever its status (ms). */
  p50: number;
  p99: number;
  /** 429 and 503 that carried Retry-After: backpressure the contract allows. */
  backpressure: number;
  /**
   * Everything else that is not a 2xx: other statuses, 429/503 without Retry-After, connection
   * errors and timeouts. The budget for these is zero.
   */
  bad: number;
  /** The bad ones by kind, e.g. "500: 3, timeouts: 2" ("" when none). */
  badDetail: string;
}

export interface LoadOptions {
  urls: string[];
  connections: number;
  seconds: number;
  /** Seconds without an answer before autocannon gives up on a request (and resets its connection). */
  timeout?: number;
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** Builds each request's body (called once per request, before it is sent). */
  body?: (context: Record<string, unknown>) => string;
  /** Sees every answer, with the context `body` filled for that request. */
  onAnswer?: (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, string | string[]>,
  ) => void;
}

const headerOf = (headers: Record<string, string | string[]>, name: string) =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];

/**
 * Drives `urls` with autocannon (connection i goes to urls[i % urls.length]) for `seconds`.
 * Requests still in flight when the time is up are abandoned by autocannon (their connections are
 * destroyed): callers that count what the server stored must allow for them.
 */
export function load(o: LoadOptions): Promise<LoadRun> {
  let backpressure = 0;
  const badStatuses = new Map<string, number>();
  const request: Request = {
    method: o.method ?? "GET",
    path: o.path,
    ...(o.body ? { setupRequest: (req, context) => ({ ...req, body: o.body!(context) }) } : {}),
    onResponse: (status, body, context, headers) => {
      if (status === 429 || status === 503) {
        if (headerOf(headers, "retry-after") !== undefined) backpressure++;
        else
          badStatuses.set(`${status} without Retry-After`, (badStatuses.get(`${status} without Retry-After`) ?? 0) + 1);
      } else if (status < 200 || status >= 300)
        badStatuses.set(String(status), (badStatuses.get(String(status)) ?? 0) + 1);
      o.onAnswer?.(status, body, context, headers);
    },
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: o.urls.map((u) => u + o.path),
        connections: o.connections,
        duration: o.seconds,
        timeout: o.timeout ?? 30,
        headers: o.headers ?? {},
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const connectionErrors = result.errors - result.timeouts;
        const kinds = [
          ...[...badStatuses].map(([k, n]) => `${k}: ${n}`),
          ...(result.timeouts ? [`timeouts: ${result.timeouts}`] : []),
          ...(connectionErrors ? [`connection errors: ${connectionErrors}`] : []),
        ];
        resolve({
          seconds: result.duration,
          okPerSecond: result["2xx"] / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          backpressure,
          bad: [...badStatuses.values()].reduce((a, b) => a + b, 0) + result.errors,
          badDetail: kinds.join(", "),
        });
      },
    );
  });
}
