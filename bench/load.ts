/** Load generators: autocannon for throughput, a one-connection loop for per-request time. */
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

/** One request (or a sequence, for a flow), against one base URL. */
export interface Scenario {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** A sequence instead (autocannon `requests`); `path` is then only the first path. */
  requests?: autocannon.Request[];
}

export interface Measurement {
  /** Requests completed per second. */
  rps: number;
  /** Latency percentiles in ms (autocannon: whole milliseconds, 2xx answers only). */
  p50: number;
  p99: number;
  requests: number;
  /** Answers other than 2xx, plus connection errors and timeouts. */
  failures: number;
}

export async function cannon(
  base: string,
  scenario: Scenario,
  options: { duration: number; connections: number },
): Promise<Measurement> {
  const result = await autocannon({
    url: `${base}${scenario.path}`,
    method: scenario.method ?? 'GET',
    headers: scenario.headers ?? {},
    ...(scenario.body !== undefined ? { body: scenario.body } : {}),
    ...(scenario.requests ? { requests: scenario.requests } : {}),
    connections: options.connections,
    duration: options.duration,
    // autocannon stops at the first sample tick after `duration`: tick every 100 ms so a short
    // (smoke) run is as short as asked.
    sampleInt: 100,
    timeout: 10,
  });
  return {
    // Completed requests over the elapsed time (autocannon's `average` is per sample tick).
    rps: result.duration > 0 ? result.requests.total / result.duration : NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * Sends `url` one request at a time over one kept-alive connection for `durationMs` (and at
 * most `maxRequests`), so the latency is the time of one request, not a queue behind others.
 */
export async function sequential(
  url: string,
  headers: Record<string, string>,
  options: { durationMs: number; maxRequests?: number },
): Promise<Measurement> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<{ ms: number; ok: boolean }>((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(url, { agent, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ ms: performance.now() - started, ok: (res.statusCode ?? 0) < 300 }),
        );
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  try {
    await once(); // warm the connection (and the server's code paths)
    while (
      performance.now() - started < options.durationMs &&
      latencies.length + failures < (options.maxRequests ?? Infinity)
    ) {
      const { ms, ok } = await once();
      if (ok) latencies.push(ms);
      else failures++;
    }
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: (latencies.length + failures) / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length + failures,
    failures,
  };
}
