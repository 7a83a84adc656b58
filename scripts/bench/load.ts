/**
 * A closed-loop load generator: `concurrency` workers, each sending its next request as
 * soon as the previous answer is fully read, over keep-alive undici pools (one per
 * origin, as many connections as workers). Latency is measured from just before the
 * request is made (the floor signs it then, as any direct OCI client must) to the last
 * body byte; for streams also the time to the first token (first chunk that carries text).
 *
 * @example
 *   const r = await runLoad(target, { concurrency: 8, durationMs: 2_000 });
 *   const { p50, p99 } = summarize(r);
 */
import { Pool } from "undici";

export interface RequestShape {
  headers: Record<string, string>;
  body: string;
}

export interface Target {
  name: string;
  /** http://127.0.0.1:port */
  origin: string;
  path: string;
  /** Headers and body for the next request (a fresh signature each time for the floor). */
  make(): RequestShape;
  stream?: boolean;
  /** Streams: text the end of a complete stream contains (`[DONE]` for OpenAI streams). */
  streamEndMarker?: string;
}

export interface LoadOptions {
  concurrency: number;
  /** Stop starting requests after this long… */
  durationMs?: number;
  /** …or after this many requests (whichever comes first). */
  requests?: number;
}

export interface LoadResult {
  target: string;
  concurrency: number;
  count: number;
  ok: number;
  errors: number;
  /** Count per HTTP status or transport error code. */
  statuses: Record<string, number>;
  /** Failed answers by their OpenAI error `code` (or status when the body has none). */
  errorCodes: Record<string, number>;
  /** Successful requests only, ms. */
  latenciesMs: number[];
  /** Streams: time to the first token, successful requests only, ms. */
  ttftMs: number[];
  elapsedMs: number;
  firstError?: string;
}

const pools = new Map<string, Pool>();

/**
 * One keep-alive pool per origin, grown to at least `connections`. Concurrent runs against
 * the same origin share it: give each concurrent run its own origin.
 */
export function poolFor(origin: string, connections: number): Pool {
  const key = origin;
  const existing = pools.get(key) as (Pool & { benchConnections?: number }) | undefined;
  if (existing && (existing.benchConnections ?? 0) >= connections) return existing;
  if (existing) void existing.close().catch(() => undefined);
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 90_000,
    bodyTimeout: 90_000,
  }) as Pool & { benchConnections?: number };
  pool.benchConnections = connections;
  pools.set(key, pool);
  return pool;
}

export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
}

/** Matches an SSE chunk that carries generated text: OpenAI `"content":"x` or OCI `"text":"x`. */
const TOKEN = /"(?:content|text)":"[^"]/;
const ERROR_EVENT = /(?:^|\n)data: \{"error"/;

/** Runs one closed-loop load slice against a target. */
export async function runLoad(target: Target, opts: LoadOptions): Promise<LoadResult> {
  if (opts.durationMs === undefined && opts.requests === undefined) throw new Error("runLoad: durationMs or requests");
  const pool = poolFor(target.origin, opts.concurrency);
  const result = emptyResult(target.name, opts.concurrency);
  const started = performance.now();
  const stopAt = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  const limit = opts.requests ?? Infinity;
  let issued = 0;

  const worker = async () => {
    while (issued < limit && performance.now() < stopAt) {
      issued++;
      const outcome = await oneRequest(pool, target);
      result.count++;
      result.statuses[outcome.status] = (result.statuses[outcome.status] ?? 0) + 1;
      if (outcome.ok) {
        result.ok++;
        result.latenciesMs.push(outcome.latencyMs);
        if (outcome.ttftMs !== undefined) result.ttftMs.push(outcome.ttftMs);
      } else {
        result.errors++;
        result.firstError ??= outcome.detail;
        const code = outcome.code ?? outcome.status;
        result.errorCodes[code] = (result.errorCodes[code] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  result.elapsedMs = performance.now() - started;
  return result;
}

interface Outcome {
  ok: boolean;
  status: string;
  /** OpenAI error code from a failed answer's body. */
  code?: string;
  latencyMs: number;
  ttftMs?: number;
  detail?: string;
}

async function oneRequest(pool: Pool, target: Target): Promise<Outcome> {
  // The clock starts before the request is made: calling OCI directly includes signing it,
  // just as the proxy's latency includes its own signing.
  const t0 = performance.now();
  const { headers, body } = target.make();
  try {
    const res = await pool.request({ path: target.path, method: "POST", headers, body });
    const status = String(res.statusCode);
    if (!target.stream || res.statusCode !== 200) {
      const text = await res.body.text();
      const latencyMs = performance.now() - t0;
      const ok = res.statusCode === 200;
      return { ok, status, latencyMs, code: ok ? undefined : errorCode(text), detail: ok ? undefined : `HTTP ${status}: ${text.slice(0, 300)}` };
    }
    let ttftMs: number | undefined;
    let tail = "";
    let errorEvent = false;
    for await (const chunk of res.body) {
      const text = (chunk as Buffer).toString("utf8");
      if (ttftMs === undefined && TOKEN.test(text)) ttftMs = performance.now() - t0;
      if (!errorEvent && ERROR_EVENT.test(text)) errorEvent = true;
      tail = (tail + text).slice(-256);
    }
    const latencyMs = performance.now() - t0;
    const complete = target.streamEndMarker === undefined || tail.includes(target.streamEndMarker);
    if (errorEvent || !complete) {
      return { ok: false, status: errorEvent ? "stream-error" : "stream-incomplete", latencyMs, detail: tail };
    }
    return { ok: true, status, latencyMs, ttftMs: ttftMs ?? latencyMs };
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    return { ok: false, status: code, latencyMs: performance.now() - t0, detail: (err as Error).message };
  }
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

function emptyResult(target: string, concurrency: number): LoadResult {
  return { target, concurrency, count: 0, ok: 0, errors: 0, statuses: {}, errorCodes: {}, latenciesMs: [], ttftMs: [], elapsedMs: 0 };
}

/** Concatenates slices of the same target and concurrency (interleaved rounds). */
export function mergeResults(parts: LoadResult[]): LoadResult {
  const merged = emptyResult(parts[0].target, parts[0].concurrency);
  for (const p of parts) {
    merged.count += p.count;
    merged.ok += p.ok;
    merged.errors += p.errors;
    merged.elapsedMs += p.elapsedMs;
    for (const [k, v] of Object.entries(p.statuses)) merged.statuses[k] = (merged.statuses[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.errorCodes)) merged.errorCodes[k] = (merged.errorCodes[k] ?? 0) + v;
    for (const v of p.latenciesMs) merged.latenciesMs.push(v);
    for (const v of p.ttftMs) merged.ttftMs.push(v);
    merged.firstError ??= p.firstError;
  }
  return merged;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Summary {
  count: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[], count = values.length, errors = 0, elapsedMs = NaN): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return {
    count,
    errors,
    rps: (count / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean,
  };
}

export function summarizeResult(r: LoadResult): Summary {
  return summarize(r.latenciesMs, r.count, r.errors, r.elapsedMs);
}

export interface HeldStreams {
  /** Streams whose first token arrived. */
  open: number;
  /** Streams still waiting for their first token. */
  waiting: number;
  failed: number;
  statuses: Record<string, number>;
  /** When the last stream to open got its first token (ms after the first request). */
  lastOpenedMs: number;
  /** When holdStreams returned (ms after the first request). */
  heldForMs: number;
  /** When the last failure arrived (ms after the first request). */
  lastFailedMs: number;
  /** Aborts every stream and waits for the sockets to close. */
  close(): Promise<void>;
}

/**
 * Opens `count` streams at once and keeps them open (the upstream is told to hang after a
 * few events); resolves once every stream has its first token or `waitMs` passed.
 */
export async function holdStreams(target: Target, count: number, waitMs: number, quietMs = 3_000): Promise<HeldStreams> {
  const pool = new Pool(target.origin, { connections: count, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  const controllers: AbortController[] = [];
  const started = performance.now();
  const held: HeldStreams = { open: 0, waiting: count, failed: 0, statuses: {}, lastOpenedMs: NaN, heldForMs: NaN, lastFailedMs: NaN, close: async () => undefined };
  let lastProgress = started;
  let settle!: () => void;
  const allSettled = new Promise<void>((done) => (settle = done));
  const doneOne = () => {
    lastProgress = performance.now();
    if (held.open + held.failed === count) settle();
  };
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const controller = new AbortController();
    controllers.push(controller);
    const { headers, body } = target.make();
    tasks.push(
      (async () => {
        let counted = false;
        try {
          const res = await pool.request({ path: target.path, method: "POST", headers, body, signal: controller.signal });
          held.statuses[res.statusCode] = (held.statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 200) {
            await res.body.text();
            held.failed++;
            held.waiting--;
            held.lastFailedMs = performance.now() - started;
            counted = true;
            doneOne();
            return;
          }
          for await (const chunk of res.body) {
            if (!counted && TOKEN.test((chunk as Buffer).toString("utf8"))) {
              counted = true;
              held.open++;
              held.waiting--;
              held.lastOpenedMs = performance.now() - started;
              doneOne();
            }
          }
        } catch (err) {
          if (!counted && !controller.signal.aborted) {
            const code = (err as { code?: string }).code ?? (err as Error).name;
            held.statuses[code] = (held.statuses[code] ?? 0) + 1;
            held.failed++;
            held.waiting--;
            held.lastFailedMs = performance.now() - started;
            doneOne();
          }
        }
      })(),
    );
  }
  // Done when every stream has its first token or failed, when nothing moved for
  // `quietMs` (the rest are stuck somewhere), or after `waitMs` in any case.
  const quiet = new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - lastProgress > quietMs || now - started > waitMs) {
        clearInterval(timer);
        done();
      }
    }, 100);
    void allSettled.then(() => {
      clearInterval(timer);
      done();
    });
  });
  await quiet;
  held.heldForMs = performance.now() - started;
  held.close = async () => {
    for (const c of controllers) c.abort();
    await Promise.allSettled(tasks);
    await pool.destroy().catch(() => undefined);
  };
  return held;
}
