/**
 * The request log as an operator reads it: one line per request, nothing a terminal would
 * act on, a client that leaves is "cancelled" (never an upstream ERROR), and requests cut
 * by a queue abandon, a dropped stream or the shutdown grace each get their line.
 */
import { createConnection } from "node:net";
import { createLogger } from "../../shared/log/logger";
import { postRaw } from "../helpers/sse";
import { startStack, type Stack } from "../helpers/stack";
import { postChat, waitFor } from "../pool/pool-stack";

const lines: string[] = [];
let stack: Stack;
const hi = [{ role: "user", content: "hi" }];

beforeAll(async () => {
  stack = await startStack({
    logger: createLogger("text", (line) => lines.push(line)),
    settings: { global_max_concurrency: 1, queue_size: 5, request_timeout: "5s" },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims[0].setFaults(null);
  lines.length = 0;
});

const requestLines = () => lines.filter((l) => / request method=/.test(l));
const errorLines = () => lines.filter((l) => / ERROR /.test(l));

const send = (body: Record<string, unknown>, signal?: AbortSignal) => postChat(stack, body, { signal });

test("a request for /x%1B%5B2K writes no terminal escape code", async () => {
  await fetch(`${stack.proxy.url}/x%1B%5B2K`);
  await waitFor(() => requestLines().length === 1, "the request line");
  expect(lines.join("")).not.toContain("\u001b");
  expect(requestLines()[0]).toContain("path=/x\\x1b[2K");
});

test("a client that leaves while OCI works on the answer is logged as cancelled, not as an ERROR", async () => {
  stack.sims[0].setFaults({ latencyMs: 2_000 });
  const controller = new AbortController();
  const leaving = send({}, controller.signal).catch(() => "aborted");
  await waitFor(() => stack.proxy.pool.stats().concurrency.global.in_flight === 1, "the call to be in flight");
  controller.abort();
  await leaving;
  await waitFor(() => requestLines().length === 1, "the request line");
  expect(requestLines()[0]).toMatch(/ INFO  request /);
  expect(requestLines()[0]).toMatch(/ status=499 .*/);
  expect(requestLines()[0]).toMatch(/ outcome=cancelled cancelled_at=upstream /);
  expect(errorLines()).toEqual([]);
});

test("a client that leaves mid-stream is logged as cancelled", async () => {
  stack.sims[0].setFaults({ interChunkMs: 100 });
  const controller = new AbortController();
  const res = await send({ stream: true }, controller.signal);
  await res.body!.getReader().read();
  controller.abort();
  await waitFor(() => requestLines().length === 1, "the request line");
  expect(requestLines()[0]).toMatch(/ INFO  request .*status=200 .*outcome=cancelled/);
  expect(errorLines()).toEqual([]);
});

test("a request abandoned in the queue gets its line", async () => {
  stack.sims[0].setFaults({ latencyMs: 400 });
  const first = send({});
  await waitFor(() => stack.proxy.pool.stats().concurrency.global.in_flight === 1, "the first request to hold the slot");
  const controller = new AbortController();
  const queued = send({}, controller.signal).catch(() => "aborted");
  await waitFor(() => stack.proxy.pool.stats().queue.length === 1, "the second request to queue");
  controller.abort();
  await queued;
  await waitFor(() => requestLines().some((l) => l.includes("cancelled_at=queue")), "the abandoned request's line");
  expect(requestLines().find((l) => l.includes("cancelled_at=queue"))).toMatch(/ INFO  request .*outcome=cancelled cancelled_at=queue status=499 /);
  expect((await first).status).toBe(200);
  expect(errorLines()).toEqual([]);
});

test("a stream OCI drops mid-way is an ERROR worded as a dropped answer, for the log and the client", async () => {
  stack.sims[0].setFaults({ dropAfterEvents: 3 });
  const raw = await postRaw(`${stack.baseURL}/chat/completions`, stack.apiKey, { model: "grok-4", stream: true, messages: hi });
  const message = JSON.parse(raw.data[raw.data.length - 1]).error.message;
  expect(message).toMatch(/dropped in the middle of the answer/);
  expect(message).not.toMatch(/could not reach OCI/);
  await waitFor(() => requestLines().length === 1, "the request line");
  expect(requestLines()[0]).toMatch(/ ERROR request .*outcome=upstream_error error=".*dropped in the middle of the answer/);
});

test("60 mixed requests, half abandoned at random moments: not one ERROR line", async () => {
  const ownLines: string[] = [];
  const own = await startStack({ logger: createLogger("text", (line) => ownLines.push(line)) });
  try {
    own.sims[0].setFaults({ interChunkMs: 5, latencyMs: 20 });
    let answered = 0;
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const controller = new AbortController();
        if (i % 2 === 1) setTimeout(() => controller.abort(), 10 + ((i * 37) % 120));
        try {
          const res = await postChat(own, { stream: i % 4 < 2 }, { signal: controller.signal });
          answered++;
          await res.text();
        } catch {
          // aborted
        }
      }),
    );
    await waitFor(() => own.proxy.pool.idle, "the pool to settle");
    await new Promise((r) => setTimeout(r, 50));
    const requests = ownLines.filter((l) => / request method=/.test(l));
    // Requests aborted before they reached the proxy leave no line; every other one leaves one.
    expect(requests.length).toBeGreaterThanOrEqual(answered);
    expect(requests.filter((l) => /outcome=cancelled/.test(l)).length).toBeGreaterThan(0);
    expect(ownLines.filter((l) => / ERROR /.test(l))).toEqual([]);
  } finally {
    await own.close();
  }
});

test("a stream cut by the shutdown grace gets its line before close() returns", async () => {
  const ownLines: string[] = [];
  const own = await startStack({ logger: createLogger("text", (line) => ownLines.push(line)) });
  try {
    own.sims[0].setFaults({ interChunkMs: 200 });
    const res = await postChat(own, { stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    const reading = (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();
    await own.proxy.close(300);
    expect(ownLines.some((l) => /WARN .*Shutdown grace of 300 ms is over/.test(l))).toBe(true);
    expect(ownLines.filter((l) => / request method=POST/.test(l))).toEqual([expect.stringMatching(/outcome=cancelled/)]);
    await reading;
  } finally {
    await own.close();
  }
});

test("shutdown does not wait for connections that never sent a request (preconnects)", async () => {
  const own = await startStack();
  try {
    const socket = createConnection({ port: Number(new URL(own.proxy.url).port), host: "127.0.0.1" });
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    const started = Date.now();
    await own.proxy.close(30_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    socket.destroy();
  } finally {
    await own.close();
  }
});
