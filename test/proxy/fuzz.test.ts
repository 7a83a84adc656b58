/**
 * Fuzzing the running proxy over real sockets: thousands of generated malformed or hostile
 * requests (test/fuzz/generators.ts) must each get a 4xx OpenAI error or a normal answer —
 * never a 5xx, a crash or a hang — and the server must still answer normally afterwards.
 *
 * Reproducible: every case derives from (seed, case index). Environment overrides:
 *   FUZZ_SEED=<n>|random  FUZZ_COUNT=<n>  FUZZ_CASE=<index> (run that one case only)
 */
import { connect } from "node:net";
import { Readable } from "node:stream";
import { Agent, request } from "undici";
import { BASES, CATEGORIES, HOSTILE_TEXT, MUTATIONS, classify, generate, hugeString, type FuzzContext, type GeneratedRequest } from "../fuzz/generators";
import { Random } from "../helpers/random";
import { startStack, type Stack } from "../helpers/stack";

const SEED = process.env.FUZZ_SEED === "random" ? (Math.random() * 2 ** 32) >>> 0 : envInteger("FUZZ_SEED", 0x0c1f5eed);
const COUNT = envInteger("FUZZ_COUNT", 3_000);
const ONLY = process.env.FUZZ_CASE === undefined ? undefined : envInteger("FUZZ_CASE", 0);
const CONCURRENCY = 16;
const TIMEOUT_MS = 10_000;
const CHAT = "/v1/chat/completions";

function envInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return value;
}

let stack: Stack;
let agent: Agent;
let ctx: FuzzContext;

beforeAll(async () => {
  stack = await startStack({ settings: { max_body_size: "256kb" } });
  agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 5_000 });
  const models = new Set<string>();
  for (const [name, ociId] of stack.config.models) models.add(name).add(ociId);
  ctx = { apiKey: stack.apiKey, limitBytes: stack.config.server.maxBodyBytes, models };
});
afterAll(async () => {
  await agent?.close();
  await stack?.close();
});

// ---- sending and checking -------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** A body without Content-Length (Transfer-Encoding: chunked). */
function inChunks(body: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += 16_384) yield body.subarray(i, i + 16_384);
    })(),
  );
}


/** Sends one request; a client-side timeout is reported as "hang", a transport failure as an Error. */
async function send(req: Pick<GeneratedRequest, "body" | "headers" | "chunked">, dispatcher: Agent = agent): Promise<Answer | "hang" | Error> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await request(`${stack.proxy.url}${CHAT}`, {
      method: "POST",
      headers: req.headers,
      body: req.chunked ? inChunks(req.body) : req.body,
      dispatcher,
      signal: abort.signal,
    });
    const text = await res.body.text();
    return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text };
  } catch (err) {
    return abort.signal.aborted ? "hang" : (err as Error);
  } finally {
    clearTimeout(timer);
  }
}

const isNullableString = (v: unknown) => v === null || typeof v === "string";

/** The one assertion of the fuzz test: what is wrong with this answer, or null. */
function problemWith(answer: Answer | "hang" | Error, mustReject: boolean): string | null {
  if (answer === "hang") return `no answer within ${TIMEOUT_MS} ms (hang)`;
  if (answer instanceof Error) return `transport error: ${answer.message} (${(answer as { code?: string }).code ?? answer.name})`;
  const { status, text } = answer;
  if (status >= 500) return `status ${status}`;
  if (mustReject && !(status >= 400 && status < 500)) return `designed-invalid request answered ${status}`;
  if (status >= 400) {
    let body: { error?: Record<string, unknown> } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      return `status ${status} with a non-JSON body`;
    }
    const e = body?.error;
    const shapeOk =
      body !== null && typeof body === "object" && Object.keys(body).join() === "error" && e !== null && typeof e === "object" &&
      Object.keys(e).sort().join() === "code,message,param,type" && typeof e.message === "string" && typeof e.type === "string" &&
      isNullableString(e.param) && isNullableString(e.code);
    return shapeOk ? null : `status ${status} without an OpenAI error body`;
  }
  if (status !== 200) return `unexpected status ${status}`;
  if (answer.contentType.startsWith("text/event-stream")) return sseProblem(text);
  try {
    return JSON.parse(text).object === "chat.completion" ? null : "200 without a chat.completion";
  } catch {
    return "200 with a non-JSON body";
  }
}

/** A finished stream: chunks only, then exactly one `data: [DONE]`, last. */
function sseProblem(text: string): string | null {
  const data = text.split("\n").filter((line) => line.startsWith("data:"));
  const done = data.filter((line) => line === "data: [DONE]").length;
  if (done !== 1 || data[data.length - 1] !== "data: [DONE]") return `stream has ${done} [DONE] events (last: ${clip(data[data.length - 1])})`;
  for (const line of data.slice(0, -1)) {
    let chunk: { object?: string; error?: unknown };
    try {
      chunk = JSON.parse(line.slice(5));
    } catch {
      return `stream event is not JSON: ${clip(line)}`;
    }
    if (chunk.object !== "chat.completion.chunk") return `stream event is not a chunk: ${clip(line)}`;
  }
  return text.endsWith("\n\n") ? null : "stream does not end with a blank line";
}

function clip(text: string | undefined): string {
  if (text === undefined) return "(none)";
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text;
}

/** Runs `work` on every index with CONCURRENCY requests in flight. */
async function forEachConcurrently(indices: number[], work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < indices.length) await work(indices[next++]);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}


const repro = (index: number) => `FUZZ_SEED=${SEED} FUZZ_CASE=${index} npx jest test/proxy/fuzz.test.ts`;

// ---- tests ----------------------------------------------------------------------------

test("every starting request is valid and answered 200", async () => {
  for (const [name, base] of Object.entries(BASES)) {
    const req = { body: Buffer.from(JSON.stringify(base)), headers: { "content-type": "application/json", authorization: `Bearer ${stack.apiKey}` } };
    expect(classify(req, ctx)).toBeNull();
    const answer = await send(req);
    expect({ name, problem: problemWith(answer, false), status: (answer as Answer).status }).toEqual({ name, problem: null, status: 200 });
  }
});

test(`${COUNT} generated malformed or hostile requests get a 4xx OpenAI error or a normal answer (seed ${SEED})`, async () => {
  const categoryNames = Object.keys(CATEGORIES);
  const weights = Object.fromEntries(categoryNames.map((name) => [name, CATEGORIES[name].weight]));
  const tally = Object.fromEntries(categoryNames.map((name) => [name, { sent: 0, mustReject: 0, mayBeValid: 0, statuses: {} as Record<number, number> }]));
  const madeInvalid = Object.fromEntries(Object.keys(MUTATIONS).map((op) => [op, 0]));
  const failures: string[] = [];
  const startedAt = performance.now();

  const indices = ONLY !== undefined ? [ONLY] : Array.from({ length: COUNT }, (_, i) => i);
  await forEachConcurrently(indices, async (index) => {
    const r = Random.forCase(SEED, index);
    const category = r.weighted(weights);
    const req = generate(category, r, ctx);
    const why = classify(req, ctx);
    const answer = await send(req);

    const t = tally[category];
    t.sent++;
    if (why !== null) t.mustReject++;
    else t.mayBeValid++;
    if (!(answer instanceof Error) && answer !== "hang") t.statuses[answer.status] = (t.statuses[answer.status] ?? 0) + 1;
    if (req.invalidBy) madeInvalid[req.invalidBy]++;

    const problem = problemWith(answer, why !== null);
    if (problem) {
      const got = typeof answer === "object" && !(answer instanceof Error) ? ` — got ${answer.status} ${clip(answer.text)}` : "";
      failures.push(`[seed ${SEED}, case ${index}, ${category}] ${problem}; sent ${clip(req.detail)}${why ? ` (must be refused: ${why})` : ""}${got}\n  reproduce: ${repro(index)}`);
    }
    if (ONLY !== undefined) console.log(`case ${index} (${category}): ${req.detail}\nclassified: ${why ?? "may be valid"}\nanswer:`, answer);
  });

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const lines = Object.entries(tally).map(
    ([name, t]) =>
      `  ${name.padEnd(13)} ${String(t.sent).padStart(5)} sent, ${String(t.mustReject).padStart(5)} must be 4xx, ${String(t.mayBeValid).padStart(4)} may be valid` +
      `; statuses ${Object.entries(t.statuses).map(([s, n]) => `${s}×${n}`).join(" ")}`,
  );
  const ops = Object.entries(madeInvalid).map(([op, n]) => `${op} ${n}`).join(", ");
  console.log(`fuzz seed ${SEED}: ${indices.length} requests in ${seconds} s\n${lines.join("\n")}\n  mutations that made a request invalid: ${ops}`);
  expect({ failures: failures.length, first: failures.slice(0, 20) }).toEqual({ failures: 0, first: [] });
  if (ONLY !== undefined) return;

  // The run exercised what it claims: enough designed-invalid requests in every category
  // and every mutation operator made requests invalid.
  for (const name of categoryNames) {
    const { sent, mustReject } = tally[name];
    const expected = (COUNT * CATEGORIES[name].weight) / categoryNames.reduce((s, n) => s + CATEGORIES[n].weight, 0);
    expect({ name, enoughSent: sent >= expected * 0.6 }).toEqual({ name, enoughSent: true });
    expect({ name, enoughInvalid: mustReject >= sent * CATEGORIES[name].minInvalidShare }).toEqual({ name, enoughInvalid: true });
  }
  const perOperator = Math.floor((tally.mutate.sent / Object.keys(MUTATIONS).length) * 0.15);
  for (const [op, n] of Object.entries(madeInvalid)) expect({ op, enough: n >= perOperator }).toEqual({ op, enough: true });
}, 120_000);

test("lying framing over raw sockets (Content-Length, chunked, headers) leaves the server healthy", async () => {
  const auth = `Authorization: Bearer ${stack.apiKey}\r\n`;
  const head = (extra: string) => `POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\n${extra}\r\n`;
  const body = JSON.stringify(BASES.minimal);
  const cases: Record<string, string> = {
    "Content-Length larger than the body": head("Content-Length: 1000\r\n") + body,
    "Content-Length smaller than the body": head("Content-Length: 5\r\n") + body,
    "Content-Length not a number": head("Content-Length: abc\r\n") + body,
    "negative Content-Length": head("Content-Length: -1\r\n") + body,
    "two different Content-Lengths": head(`Content-Length: ${body.length}\r\nContent-Length: 3\r\n`) + body,
    "Content-Length and chunked together": head(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`) + body,
    "invalid chunk size": head("Transfer-Encoding: chunked\r\n") + `zz\r\n${body}\r\n0\r\n\r\n`,
    "chunked body that never ends": head("Transfer-Encoding: chunked\r\n") + `5\r\n{"mod\r\n`,
    "declared length over the limit, tiny body": head("Content-Length: 300000\r\n") + "{}",
    "headers cut mid-line": `POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le`,
    "garbage request line": "\u0000\u0001\u0002 GARBAGE \u00ff\r\n\r\n",
    "oversized header": head(`X-Big: ${"a".repeat(70_000)}\r\nContent-Length: ${body.length}\r\n`) + body,
    "HTTP/1.0 body without a length": `POST ${CHAT} HTTP/1.0\r\nHost: 127.0.0.1\r\n${auth}\r\n${body}`,
    "pipelined: a valid request, then a cut one": head(`Content-Length: ${body.length}\r\n`) + body + head("Content-Length: 400\r\n") + body.slice(0, 20),
  };
  // Each case twice: hanging up right after writing, and staying connected until answered or timed out.
  const sockets = Object.entries(cases).flatMap(([name, bytes]) => [false, true].map((hangUp) => rawExchange(`${name}${hangUp ? ", then hang up" : ""}`, bytes, hangUp)));
  // While those are outstanding, a normal request is still served.
  const valid = { body: Buffer.from(body), headers: { "content-type": "application/json", authorization: `Bearer ${stack.apiKey}` } };
  expect(problemWith(await send(valid), false)).toBeNull();
  const statusLines = await Promise.all(sockets);
  // Answers are not asserted beyond "not a 5xx": the point is that nothing here breaks the server.
  expect(statusLines.filter((line) => / 5\d\d /.test(line))).toEqual([]);
  expect((await fetch(`${stack.proxy.url}/health`)).status).toBe(200);
  expect(problemWith(await send(valid), false)).toBeNull();
});

/** Writes raw bytes to the proxy and resolves with the status line of whatever came back within 300 ms. */
function rawExchange(name: string, bytes: string, hangUp: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(stack.proxy.port, "127.0.0.1");
    let received = "";
    const done = () => {
      socket.destroy();
      resolve(`${name}: ${received.split("\r\n")[0] || "(no answer)"}`);
    };
    socket.setTimeout(300, done);
    socket.on("data", (d) => (received += d.toString("latin1")));
    socket.on("error", done);
    socket.on("close", done);
    socket.write(Buffer.from(bytes, "latin1"), () => {
      if (hangUp) socket.end();
    });
  });
}

test("streams with hostile but valid content end with exactly one data: [DONE]", async () => {
  const models = ["grok-4", "grok-3-mini", "llama-3.3-70b", "command-r-plus", "gpt-oss-120b", "gemini-2.5-flash"];
  const count = ONLY !== undefined ? 0 : Math.max(20, Math.round(COUNT / 30));
  const failures: string[] = [];
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    async (i) => {
      const r = Random.forCase(SEED ^ 0x57_4e_4a_4d, i);
      const text = r.chance(0.2) ? hugeString(r, 50_000) : r.pick(HOSTILE_TEXT);
      const body: Record<string, unknown> = {
        model: r.pick(models),
        stream: true,
        messages: [...(r.chance(0.3) ? [{ role: "system", content: r.pick(HOSTILE_TEXT) }] : []), { role: "user", content: text }],
      };
      if (r.chance(0.5)) body.stream_options = { include_usage: r.chance(0.5) };
      if (r.chance(0.3)) body.max_tokens = r.int(1, 5);
      if (r.chance(0.2)) body.response_format = { type: "json_object" };
      if (r.chance(0.2)) body.tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } }];
      const answer = await send({ body: Buffer.from(JSON.stringify(body)), headers: { "content-type": "application/json", authorization: `Bearer ${stack.apiKey}` } });
      const problem =
        problemWith(answer, false) ??
        (typeof answer === "object" && !(answer instanceof Error) && (answer.status !== 200 || !answer.contentType.startsWith("text/event-stream"))
          ? `expected a 200 stream, got ${answer.status} ${answer.contentType}`
          : null);
      if (problem) failures.push(`[seed ${SEED}, stream ${i}] ${problem}; sent ${clip(JSON.stringify(body))}`);
    },
  );
  expect({ failures: failures.length, first: failures.slice(0, 20) }).toEqual({ failures: 0, first: [] });
}, 60_000);

test("regression: JSON nested thousands of levels deep in forwarded fields is a 4xx, not a 500", async () => {
  const deepArray = "[".repeat(5_000) + "]".repeat(5_000);
  const deepObjectText = '{"a":'.repeat(5_000) + "0" + "}".repeat(5_000);
  const hi = '[{"role":"user","content":"hi"}]';
  const bodies = {
    "tool parameters (generic)": `{"model":"grok-4","messages":${hi},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","x":${deepArray}}}}]}`,
    "json_schema.schema": `{"model":"grok-4","messages":${hi},"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":${deepObjectText}}}}`,
    "tool enum (Cohere)": `{"model":"command-r-plus","messages":${hi},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"p":{"enum":[${deepArray}]}}}}}]}`,
    "tool-call arguments (Cohere)": JSON.stringify({
      model: "command-r-plus",
      messages: [{ role: "user", content: "hi" }, { role: "assistant", tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: deepObjectText } }] }, { role: "user", content: "x" }],
    }),
    "tool result (Cohere)": JSON.stringify({
      model: "command-r-plus",
      messages: [{ role: "user", content: "hi" }, { role: "assistant", tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: "1", content: deepObjectText }],
    }),
  };
  const statuses: Record<string, number> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const answer = await send({ body: Buffer.from(body), headers: { "content-type": "application/json", authorization: `Bearer ${stack.apiKey}` } });
    statuses[name] = typeof answer === "object" && !(answer instanceof Error) ? answer.status : -1;
  }
  expect(Object.entries(statuses).filter(([, status]) => status >= 500 || status < 0)).toEqual([]);
});

test("regression: a 413 for a chunked body over the limit does not drop the next request on that connection", async () => {
  const oneConnection = new Agent({ connections: 1 });
  try {
    const headers = { "content-type": "application/json", authorization: `Bearer ${stack.apiKey}` };
    const tooLarge = Buffer.from(JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: "x".repeat(512 * 1024) }] }));
    const first = await send({ body: tooLarge, headers, chunked: true }, oneConnection);
    expect((first as Answer).status).toBe(413);
    // The next request on the same keep-alive connection is still in flight 500 ms later.
    stack.sims[0].setFaults({ latencyMs: 800, times: 1 });
    const next = await send({ body: Buffer.from(JSON.stringify(BASES.minimal)), headers }, oneConnection);
    expect(problemWith(next, false)).toBeNull();
  } finally {
    stack.sims[0].setFaults(null);
    await oneConnection.close();
  }
});

test("afterwards the server still answers normally, signed every upstream call correctly and nothing was polluted", async () => {
  const client = stack.client();
  const completion = await client.chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "still there?" }] });
  expect(completion.choices[0].message.content).toContain("still there?");

  const stream = await client.chat.completions.create({ model: "llama-3.3-70b", stream: true, messages: [{ role: "user", content: "and streaming?" }] });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  expect(streamed).toContain("and streaming?");

  expect((await fetch(`${stack.proxy.url}/health`)).status).toBe(200);
  expect(stack.sims[0].stats().rejectedSignature).toBe(0);
  expect(stack.sims[0].stats().requests).toBeGreaterThan(0);
  expect(Object.prototype).not.toHaveProperty("polluted");
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
