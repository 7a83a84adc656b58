/**
 * Fuzzing both agent front doors over real sockets: generated hostile bodies for
 * POST /v1/responses and POST /v1/messages (valid requests mutated at random paths: nulls,
 * wrong types, huge and hostile strings, 5,000-level nesting, prototype keys, deleted
 * fields; and bodies that are not JSON objects at all) must each get a 4xx in that API's
 * own error shape or a normal answer — never a 5xx, a crash or a hang.
 *
 * Reproducible: every case derives from (seed, case index).
 *   FUZZ_SEED=<n>|random  FUZZ_COUNT=<n per endpoint>
 */
import { Agent, request } from "undici";
import { HOSTILE_TEXT, RawJson, hugeString, toJsonText } from "../fuzz/generators";
import { Random } from "../helpers/random";
import { startStack, type Stack } from "../helpers/stack";

const SEED = process.env.FUZZ_SEED === "random" ? (Math.random() * 2 ** 32) >>> 0 : Number(process.env.FUZZ_SEED ?? 0x5eed_f00d);
const COUNT = Number(process.env.FUZZ_COUNT ?? 600);
const CONCURRENCY = 16;
const TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;
type Path = (string | number)[];

const tool = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
const RESPONSES_BASES: Json[] = [
  { model: "grok-4", input: "hello" },
  {
    model: "grok-3-mini",
    stream: true,
    store: false,
    instructions: "Be brief",
    reasoning: { effort: "low", summary: "auto" },
    tools: [tool, { type: "web_search" }],
    tool_choice: "auto",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "sys" }] },
      { role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AAAA" }] },
      { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "sunny" },
    ],
    text: { format: { type: "json_schema", name: "out", schema: { type: "object" } } },
    max_output_tokens: 50,
  },
];
const MESSAGES_BASES: Json[] = [
  { model: "grok-4", max_tokens: 64, messages: [{ role: "user", content: "hello" }] },
  {
    model: "grok-3-mini",
    max_tokens: 64,
    stream: true,
    system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
    thinking: { type: "enabled", budget_tokens: 2048 },
    tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }, { type: "web_search_20250305", name: "web_search" }],
    tool_choice: { type: "auto" },
    stop_sequences: ["END"],
    messages: [
      { role: "user", content: [{ type: "text", text: "hi" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
      { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "x" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }], is_error: false }] },
    ],
  },
  { model: "command-r-plus", max_tokens: 32, system: "sys", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }, { role: "assistant", content: "hello" }, { role: "user", content: "more" }] },
];

const WRONG: unknown[] = [0, -1, 3.5, true, "", "text", [], [1, "a", null], {}, { a: 1 }, [[[]]], null, "__proto__", 1e308, -0];
const NOT_OBJECTS = ["null", "[]", '"string"', "0", "{", '{"model":', "\u0000", "{}", '{"model":"grok-4"}'];

function allPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === "object" && !(value instanceof RawJson)) {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      allPaths(child, path, out);
    }
  }
  return out;
}

function setAt(root: Json, path: Path, value: unknown, remove = false): void {
  let node: any = root;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
}

function generate(r: Random, bases: Json[]): { body: string; detail: string } {
  if (r.chance(0.08)) {
    const text = r.pick(NOT_OBJECTS);
    return { body: text, detail: `body ${JSON.stringify(text)}` };
  }
  const body = structuredClone(r.pick(bases));
  const ops: string[] = [];
  for (let n = r.int(1, 3); n > 0; n--) {
    const paths = allPaths(body);
    const path = r.pick(paths);
    const op = r.pick(["null", "wrong", "huge", "hostile", "deep", "delete", "proto"]);
    ops.push(`${op} ${path.join(".")}`);
    if (op === "null") setAt(body, path, null);
    else if (op === "wrong") setAt(body, path, structuredClone(r.pick(WRONG)));
    else if (op === "huge") setAt(body, path, hugeString(r, 100_000));
    else if (op === "hostile") setAt(body, path, r.pick(HOSTILE_TEXT));
    else if (op === "deep") setAt(body, path, new RawJson(r.chance(0.5) ? "[".repeat(5_000) + "]".repeat(5_000) : '{"a":'.repeat(5_000) + "0" + "}".repeat(5_000)));
    else if (op === "delete") setAt(body, path, undefined, true);
    else setAt(body, path, JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":1}'));
  }
  return { body: toJsonText(body), detail: ops.join(", ") };
}

let stack: Stack;
let agent: Agent;

beforeAll(async () => {
  stack = await startStack({ settings: { max_body_size: "256kb" } });
  agent = new Agent({ connections: CONCURRENCY });
});
afterAll(async () => {
  await agent.close();
  await stack.close();
});

async function send(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; type: string; text: string } | string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await request(`${stack.proxy.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, dispatcher: agent, signal: abort.signal });
    return { status: res.statusCode, type: String(res.headers["content-type"] ?? ""), text: await res.body.text() };
  } catch (err) {
    return abort.signal.aborted ? "hang" : `transport error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

const DOORS = [
  {
    name: "/v1/responses",
    bases: RESPONSES_BASES,
    headers: { authorization: `Bearer ${"KEY"}` },
    errorShapeOk: (body: any) => Object.keys(body).join() === "error" && typeof body.error.message === "string" && typeof body.error.type === "string",
    answerOk: (res: { type: string; text: string }) =>
      res.type.startsWith("text/event-stream")
        ? /event: response\.(completed|incomplete)\n[^\n]*\n\n$/.test(res.text)
        : JSON.parse(res.text).object === "response",
  },
  {
    name: "/v1/messages",
    bases: MESSAGES_BASES,
    headers: { "x-api-key": "KEY", "anthropic-version": "2023-06-01" },
    errorShapeOk: (body: any) => body.type === "error" && typeof body.error?.type === "string" && typeof body.error?.message === "string",
    answerOk: (res: { type: string; text: string }) =>
      res.type.startsWith("text/event-stream") ? res.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n') : JSON.parse(res.text).type === "message",
  },
];

test.each(DOORS)("every starting body on $name is valid and answered 200", async (door) => {
  const headers = Object.fromEntries(Object.entries(door.headers).map(([k, v]) => [k, v.replace("KEY", stack.apiKey)]));
  for (const base of door.bases) {
    const res = await send(door.name, JSON.stringify(base), headers);
    expect(typeof res === "string" ? res : { status: res.status, ok: door.answerOk(res) }).toEqual({ status: 200, ok: true });
  }
});

test.each(DOORS)(`${COUNT} hostile bodies on $name get a 4xx in the API's own shape or a normal answer (seed ${SEED})`, async (door) => {
  const headers = Object.fromEntries(Object.entries(door.headers).map(([k, v]) => [k, v.replace("KEY", stack.apiKey)]));
  const failures: string[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < COUNT) {
      const index = next++;
      const { body, detail } = generate(Random.forCase(SEED, index), door.bases);
      const res = await send(door.name, body, headers);
      const fail = (why: string) => failures.push(`[case ${index}] ${why}; sent ${detail.slice(0, 200)}`);
      if (typeof res === "string") {
        fail(res);
        continue;
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      try {
        if (res.status >= 500) fail(`status ${res.status}: ${res.text.slice(0, 200)}`);
        else if (res.status >= 400 && !door.errorShapeOk(JSON.parse(res.text))) fail(`status ${res.status} without the API's error shape: ${res.text.slice(0, 200)}`);
        else if (res.status === 200 && !door.answerOk(res)) fail(`200 that is not a whole answer: ${res.text.slice(-200)}`);
      } catch {
        fail(`unparseable answer ${res.status}: ${res.text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(`${door.name} fuzz seed ${SEED}: ${COUNT} requests, statuses ${JSON.stringify(statuses)}`);
  expect(failures.slice(0, 20)).toEqual([]);
  // The run exercised both sides: plenty of refusals and plenty of answers.
  expect(Object.entries(statuses).filter(([s]) => s.startsWith("4")).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(COUNT * 0.3);
  expect(statuses[200] ?? 0).toBeGreaterThan(COUNT * 0.02);
  expect(({} as Json).polluted).toBeUndefined();
}, 120_000);
