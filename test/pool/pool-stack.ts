/** Helpers for the pool's integration tests (real proxy, one simulator per account). */
import { startStack, type Stack, type StackOptions } from "../helpers/stack";

export const HI = [{ role: "user", content: "hi" }];

/**
 * Starts a multi-account stack and waits for the proxy's start-up health check (a direct
 * probe of every account, outside the pool), then zeroes the simulators' counters so a
 * test only sees its own traffic. Periodic health checks are off unless asked for.
 */
export async function startPoolStack(options: StackOptions): Promise<Stack> {
  const stack = await startStack({ ...options, settings: { health_check_interval: "1h", ...options.settings } });
  await waitFor(() => stack.proxy.pool.members.every((m) => m.health.checkedAt !== undefined), "the start-up health check");
  for (const sim of stack.sims) sim.resetStats();
  return stack;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ChatResult {
  status: number;
  headers: Headers;
  body: any;
  /** When the full response had arrived (performance.now()). */
  at: number;
}

/** POST /v1/chat/completions (grok-4, "hi" unless `extra` says otherwise); the body is left unread. */
export function postChat(stack: Stack, extra: Record<string, unknown> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "grok-4", messages: HI, ...extra }),
    ...init,
  });
}

/** POST /v1/chat/completions with raw fetch, read whole; never throws on an HTTP error. */
export async function chat(stack: Stack, extra: Record<string, unknown> = {}, init: RequestInit = {}): Promise<ChatResult> {
  const res = await postChat(stack, extra, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // SSE or plain text: keep the text.
  }
  return { status: res.status, headers: res.headers, body, at: performance.now() };
}

/** GET a /stats or /admin path on the proxy (with the API key unless `key` is null). */
export async function proxyGet(stack: Stack, path: string, key: string | null = stack.apiKey): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.proxy.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: await res.json() };
}

export async function accountsStats(stack: Stack): Promise<Record<string, any>> {
  const { status, body } = await proxyGet(stack, "/stats/accounts");
  if (status !== 200) throw new Error(`/stats/accounts answered ${status}`);
  return Object.fromEntries(body.accounts.map((a: any) => [a.id, a]));
}

/** Runs `total` jobs with at most `concurrency` at once. */
export async function runConcurrently<T>(total: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

export const simRequests = (stack: Stack) => stack.sims.map((s) => s.stats().requests);
