/**
 * Limits a hostile or careless client (or a misbehaving upstream) runs into: every echo is
 * clipped, every Retry-After is one the proxy itself would honour, OCI's error text is
 * capped, integers have bounds that read sensibly, methods get 405 with Allow.
 */
import { createConnection, type Socket } from "node:net";
import { createLogger } from "../../shared/log/logger";
import { postRaw } from "../helpers/sse";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
const logLines: string[] = [];
const hi = [{ role: "user", content: "hi" }];

beforeAll(async () => {
  stack = await startStack({ logger: createLogger("text", (line) => logLines.push(line)) });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims[0].setFaults(null);
  stack.proxy.pool.resetBreakers();
  for (const member of stack.proxy.pool.members) member.cooldownUntil = 0;
  logLines.length = 0;
});

const chatUrl = () => `${stack.baseURL}/chat/completions`;
const auth = () => ({ authorization: `Bearer ${stack.apiKey}` });

test("OCI's Retry-After is clamped to 60 s, for the client and for the account's cooldown", async () => {
  stack.sims[0].setFaults({ status: 429, retryAfterSeconds: 99999999999, times: 1 });
  const res = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi });
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("60");
  const cooldown = stack.proxy.pool.members[0].cooldownUntil - Date.now();
  expect(cooldown).toBeGreaterThan(50_000);
  expect(cooldown).toBeLessThanOrEqual(60_000);
  // While cooling down the proxy answers itself, with the same bound.
  const again = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi });
  expect(again.status).toBe(429);
  expect(Number(again.headers.get("retry-after"))).toBeLessThanOrEqual(60);
});

describe("echoed client text is clipped", () => {
  test("a 9 MB model name gets a small 404 that still lists the configured models", async () => {
    const res = await postRaw(chatUrl(), stack.apiKey, { model: "m".repeat(9 * 1024 * 1024), messages: hi }, {});
    expect(res.status).toBe(404);
    expect(res.text.length).toBeLessThan(1_000);
    expect(JSON.parse(res.text).error.message).toContain("grok-4");
  });

  test("a long unknown path gets a small 404, and a short log line", async () => {
    const res = await fetch(`${stack.proxy.url}/${"p".repeat(8_000)}`, { headers: auth() });
    expect(res.status).toBe(404);
    expect((await res.text()).length).toBeLessThan(1_000);
    expect(logLines.join("").length).toBeLessThan(1_000);
  });

  test("GET /v1/models/<unknown> is a 404 listing the configured models, clipped", async () => {
    const res = await fetch(`${stack.baseURL}/models/${"n".repeat(5_000)}`, { headers: auth() });
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text.length).toBeLessThan(1_000);
    expect(JSON.parse(text).error).toMatchObject({ code: "model_not_found", message: expect.stringContaining("Available models: grok-4") });
  });
});

test("OCI's error message is capped at a few KB, in the client's body and in the log", async () => {
  stack.sims[0].setFaults({ status: 500, message: "E".repeat(200_000) });
  const res = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi });
  expect(res.status).toBe(502);
  expect(res.text.length).toBeLessThan(3_000);
  expect(JSON.parse(res.text).error.message).toMatch(/^OCI failed \(HTTP 500\): E+…/);
  await new Promise((r) => setTimeout(r, 20));
  const line = logLines.find((l) => l.includes("status=502"))!;
  expect(line.length).toBeLessThan(3_000);
});

describe("integers", () => {
  test.each([
    [1e20, /integer above maximum value\. Expected a value <= 1000000, but got 100000000000000000000/],
    [2_000_000, /Expected a value <= 1000000/],
    [0, /Expected a value >= 1/],
    [1.5, /expected an integer, but got a decimal/],
  ])("max_tokens %p is a 400 that makes sense", async (value, message) => {
    const res = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi, max_tokens: value });
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.text);
    expect(error.param).toBe("max_tokens");
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/got an integer instead/);
  });

  test("a seed beyond exact integers is a bound error, not a type error", async () => {
    const res = await postRaw(chatUrl(), stack.apiKey, { model: "grok-4", messages: hi, seed: -1e300 });
    expect(JSON.parse(res.text).error.message).toMatch(/integer below minimum value/);
  });
});

describe("methods", () => {
  test.each([
    ["GET", "/v1/chat/completions", "POST"],
    ["PUT", "/v1/embeddings", "POST"],
    ["POST", "/v1/models", "GET, HEAD"],
    ["DELETE", "/v1/models/grok-4", "GET, HEAD"],
    ["POST", "/health", "GET, HEAD"],
    ["GET", "/admin/circuit-breaker/reset", "POST"],
  ])("%s %s is a 405 with Allow: %s", async (method, path, allow) => {
    const res = await fetch(`${stack.proxy.url}${path}`, { method, headers: auth() });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", code: "method_not_allowed" });
  });

  test("an unknown path is still a 404", async () => {
    const res = await fetch(`${stack.proxy.url}/v1/nope`, { method: "DELETE", headers: auth() });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("unknown_url");
  });
});

test("/stats and /stats/circuit-breaker name the breakers the same way", async () => {
  const [all, breakers] = await Promise.all(
    ["/stats", "/stats/circuit-breaker"].map((path) => fetch(`${stack.proxy.url}${path}`, { headers: auth() }).then((r) => r.json())),
  );
  expect(Object.keys(all)).toContain("circuit_breakers");
  expect(Object.keys(all)).not.toContain("circuitBreakers");
  expect(all.circuit_breakers.map((b: any) => b.id)).toEqual(breakers.circuit_breakers.map((b: any) => b.id));
});

describe("slow and idle clients", () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack({ settings: { client_timeout: "1s", max_connections: 3 } });
  });
  afterAll(() => own.close());

  /** Opens a raw connection; resolves what the server sent and how long until it closed it. */
  function connect(send?: (socket: Socket) => void): Promise<{ text: string; closedAfterMs: number }> {
    const { port } = new URL(own.proxy.url);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let text = "";
      const socket = createConnection({ port: Number(port), host: "127.0.0.1" }, () => send?.(socket));
      socket.on("data", (d) => (text += d));
      socket.on("error", () => {});
      socket.on("close", () => resolve({ text, closedAfterMs: Date.now() - started }));
      setTimeout(() => reject(new Error("the server kept the connection open")), 8_000).unref();
    });
  }

  test("a body that does not arrive within client_timeout gets 408 and the connection is closed", async () => {
    const { text, closedAfterMs } = await connect((socket) =>
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${own.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`),
    );
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  test("a connection that never sends a request is closed", async () => {
    const { closedAfterMs } = await connect();
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  test("connections beyond max_connections are refused at once; the ones open still work", async () => {
    const open = await Promise.all([0, 1, 2].map(() => openIdle()));
    try {
      const refused = await connect();
      expect(refused.closedAfterMs).toBeLessThan(500);
      expect(refused.text).toBe("");
    } finally {
      open.forEach((socket) => socket.destroy());
    }
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${own.baseURL}/models`, { headers: { authorization: `Bearer ${own.apiKey}` } });
    expect(res.status).toBe(200);
  });

  function openIdle(): Promise<Socket> {
    const { port } = new URL(own.proxy.url);
    return new Promise((resolve) => {
      const socket = createConnection({ port: Number(port), host: "127.0.0.1" }, () => resolve(socket));
      socket.on("error", () => {});
    });
  }
});
