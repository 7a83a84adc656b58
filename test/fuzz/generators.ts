/**
 * Generators of malformed or hostile chat completion requests for the fuzz test. Each
 * generator turns a seeded {@link Random} into the bytes and headers of one request;
 * whether that request must be refused is decided afterwards by {@link classify}, from
 * the bytes alone, so a mutation that happens to keep a request valid is never counted
 * as "must be 4xx".
 */
import { expectedRejection } from "./oracle";
import type { Random } from "../helpers/random";

type Json = Record<string, unknown>;
type Path = (string | number)[];

export interface FuzzContext {
  apiKey: string;
  limitBytes: number;
  /** Every model name a client may use: configured names and their OCI ids. */
  models: ReadonlySet<string>;
}

export interface GeneratedRequest {
  /** What was generated, for failure messages (long values are clipped). */
  detail: string;
  body: Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
  headers: Record<string, string>;
  /** Mutation operators applied (the `mutate` category)… */
  ops?: string[];
  /** …and the first of them after which the request was certainly invalid. */
  invalidBy?: string;
}

// ---- JSON text with parts JSON.stringify cannot produce -------------------------------

/** JSON text spliced in verbatim: 1e999, -0, 5,000-level nesting (JSON.stringify overflows on that). */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW_MARK = `\u0001raw${Math.random().toString(36).slice(2)}:`;

export function toJsonText(value: unknown): string {
  const raws: RawJson[] = [];
  const text = JSON.stringify(value, (_key, v) => (v instanceof RawJson ? `${RAW_MARK}${raws.push(v) - 1}` : v));
  const escapedMark = JSON.stringify(RAW_MARK).slice(1, -1);
  return text.replace(new RegExp(`"${escapedMark.replace(/\\/g, "\\\\")}(\\d+)"`, "g"), (_m, i: string) => raws[Number(i)].text);
}

// ---- the oracle over bytes ------------------------------------------------------------

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Why the proxy must refuse this request (with a 4xx), or null when it may be valid.
 * Mirrors the documented contract: API key first, then the body limit, then UTF-8 JSON,
 * then the Chat Completions schema (see oracle.ts).
 */
export function classify(req: Pick<GeneratedRequest, "body" | "headers">, ctx: FuzzContext): string | null {
  const h = lowerKeys(req.headers);
  const bearer = /^Bearer\s+(.+)$/i.exec((h.authorization ?? "").trim())?.[1].trim();
  const token = bearer ?? h["x-api-key"];
  if (token !== ctx.apiKey) return "api key";
  if (req.body.length > ctx.limitBytes) return "body size";
  if (req.body.length === 0) return "empty body";
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(req.body));
  } catch {
    return "not UTF-8 JSON";
  }
  return expectedRejection(parsed, ctx.models);
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

// ---- valid starting points ------------------------------------------------------------

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { location: { type: "string", enum: ["Paris", "Oslo"] }, days: { type: "integer" } }, required: ["location"] },
  },
};

const toolTurn = [
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
];

/** Valid requests the mutations start from (the first test checks each gets a 200). */
export const BASES: Record<string, Json> = {
  minimal: { model: "grok-4", messages: [{ role: "user", content: "hi" }] },
  kitchenSink: {
    model: "grok-4",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
      {
        role: "user",
        name: "alice",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
        ],
      },
      ...toolTurn,
      { role: "assistant", content: "It is 21 degrees." },
      { role: "user", content: "And tomorrow?" },
    ],
    tools: [weatherTool],
    tool_choice: { type: "function", function: { name: "get_weather" } },
    parallel_tool_calls: false,
    temperature: 0.7,
    top_p: 0.9,
    max_tokens: 256,
    stop: ["\n\n", "END"],
    seed: 42,
    n: 1,
    user: "fuzz",
    frequency_penalty: 0.1,
    presence_penalty: -0.1,
    logprobs: true,
    top_logprobs: 2,
    logit_bias: { "50256": -100 },
    stream: false,
    stream_options: { include_usage: true },
    reasoning_effort: "low",
    response_format: { type: "json_schema", json_schema: { name: "answer", description: "d", schema: { type: "object" }, strict: true } },
  },
  cohere: {
    model: "command-r-plus",
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather in Paris?" }, ...toolTurn, { role: "user", content: "Thanks" }],
    tools: [weatherTool],
    max_completion_tokens: 64,
    top_k: 0,
    response_format: { type: "json_object" },
  },
  llamaTools: {
    model: "llama-3.3-70b",
    messages: [{ role: "developer", content: "Use tools." }, { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] }],
    tools: [weatherTool],
    tool_choice: "required",
    top_k: -1,
  },
  gptOss: { model: "openai.gpt-oss-120b", messages: [{ role: "user", content: "hi" }, ...toolTurn], reasoning_effort: "high", stop: "STOP" },
};

// ---- value pools ----------------------------------------------------------------------

/** Hostile but valid text: what a user may legitimately send. */
export const HOSTILE_TEXT = [
  "plain ascii",
  "emoji 😀🎉👨‍👩‍👧‍👦🏳️‍🌈",
  "RTL עברית العربية \u202Eevil\u202C",
  "NUL \u0000 inside",
  "lone surrogates \ud800 \udfff",
  "combining e\u0301\u0301\u0301\u0301",
  "zero width \u200b\u200c\u200d\ufeff",
  "sse injection \r\n\r\ndata: [DONE]\n\nevent: error\n",
  'quotes " \\ / \b \f \t',
  "</script><script>alert(1)</script>",
  "${jndi:ldap://x} %s%n%x {{7*7}}",
  "line separators \u2028\u2029",
  "𝕳𝖊𝖑𝖑𝖔 astral plane",
  "日本語のテキスト",
];

const WRONG_TYPES: unknown[] = [0, 1, -1, 3.5, true, false, "", "text", [], [1, "a", null], {}, { a: 1 }, [[[]]], { type: "text" }];
const NANISH = ["NaN", "Infinity", "-Infinity", "1e999", "-0", "0x1F", " 1", "1,5", "null", "undefined", "true", "[]", "{}", "\u0000", "٣"];
const NUMBERS: unknown[] = [
  ...[-1, 0, 1, 2, 3, 0.5, 1.5, 1e-7, 5e-324, 20, 21, 100, -100, 101, 2 ** 31, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e21, 1e308, -1e308],
  ...["1e999", "-1e999", "1.0", "1e2", "-0", "0.1e1", "1E+0", "123456789012345678901234567890"].map((t) => new RawJson(t)),
];
const EMPTIES: unknown[] = [[], {}, ""];
const PROTO_JSON =
  '{"__proto__":{"polluted":"yes","role":"user","content":"x","model":"grok-4"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"toString":"x","hasOwnProperty":1}';
const ROLES = ["robot", "USER", "User", "function", "", " user", "user ", "system\u0000", "assistant\n", "🤖", "toString", "__proto__", "constructor", "human", 0, ["user"]];
const PART_TYPES = ["image", "input_audio", "file", "refusal", "TEXT", "Text", "", "image_url ", "video_url", "__proto__", "toString", "tool_use", 1, null];
const fn = (over: Json = {}) => ({ id: "call_9", type: "function", function: { name: "get_weather", arguments: "{}" }, ...over });
const TOOL_CALLS: unknown[] = [
  "call", 42, {}, [], [null], ["x"], [{}], [fn({ id: 1 })], [fn({ type: "tool" })], [fn({ function: undefined })], [fn({ function: "get_weather" })],
  [fn({ function: { name: "get_weather", arguments: { location: "Paris" } } })], [fn({ function: { name: null, arguments: "{}" } })],
  [fn({ function: { name: "get_weather" } })], [fn({ id: "", function: { name: "", arguments: "" } })], Array.from({ length: 500 }, () => fn()),
];
const TOOL_CHOICES: unknown[] = [
  "any", "AUTO", "", "required", "function", 1, [], {}, { type: "function" }, { type: "function", function: {} },
  { type: "function", function: { name: "not_declared" } }, { type: "tool", function: { name: "get_weather" } }, { function: { name: "get_weather" } },
  { type: "function", function: { name: ["get_weather"] } }, { type: "function", function: { name: "get_weather" } }, { type: "function", name: "get_weather" },
];
const RESPONSE_FORMATS: unknown[] = [
  "json", {}, { type: "json" }, { type: "JSON_OBJECT" }, { type: "json_schema" }, { type: "json_schema", json_schema: {} },
  { type: "json_schema", json_schema: { name: "has space" } }, { type: "json_schema", json_schema: { name: "n", schema: "{}" } },
  { type: "json_schema", json_schema: { name: "x".repeat(65) } }, { type: "json_schema", json_schema: { name: "n", strict: "yes" } },
  { type: "json_object" }, { type: "text", json_schema: 5 }, { type: null },
];
const STREAMS: unknown[] = ["yes", "true", 1, 0, "false", [], {}, true, false, null];
const TOP_KEYS = [
  "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "seed", "n", "stop",
  "logit_bias", "tools", "tool_choice", "response_format", "reasoning_effort", "user", "logprobs", "top_logprobs", "parallel_tool_calls",
  "frequency_penalty", "presence_penalty", "metadata", "__proto__", "constructor",
];

// ---- helpers over a request tree ------------------------------------------------------

function allPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value instanceof RawJson || typeof value !== "object" || value === null) return out;
  for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
    const path = [...prefix, key];
    out.push(path);
    if (out.length < 2_000) allPaths((value as Json)[key as string], path, out);
  }
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = node != null && typeof node === "object" && !(node instanceof RawJson) ? (node as Json)[key as string] : undefined;
  return node;
}

/** Sets as an own property, so a key called "__proto__" stays a key. */
function setAt(root: Json, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1));
  if (parent == null || typeof parent !== "object" || parent instanceof RawJson) return;
  Object.defineProperty(parent, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

function withProtoKeys(target: Json): Json {
  const copy = { ...target };
  for (const [k, v] of Object.entries(JSON.parse(PROTO_JSON) as Json)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

function show(path: Path): string {
  return path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").replace(/^\./, "") || "(root)";
}

function clip(value: unknown): string {
  const text = value instanceof RawJson ? value.text : typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 60)}…(${text.length} chars)` : text;
}

export function hugeString(r: Random, maxBytes: number): string {
  const unit = r.chance(0.3) ? "x" : r.pick(HOSTILE_TEXT);
  const bytes = r.int(1_000, maxBytes);
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))).slice(0, bytes);
}

/** 4,500–6,000 levels of arrays or objects, as JSON or as a string holding that JSON. */
function deepValue(r: Random): RawJson | string {
  const depth = r.int(4_500, 6_000);
  const text = r.chance(0.5) ? "[".repeat(depth) + "0" + "]".repeat(depth) : '{"a":'.repeat(depth) + "0" + "}".repeat(depth);
  return r.chance(0.25) ? text : new RawJson(text);
}

function randomPath(r: Random, req: Json): Path {
  return r.chance(0.35) ? [r.pick(TOP_KEYS)] : r.pick(allPaths(req));
}

function messageIndex(r: Random, req: Json, prefer?: string): number {
  const messages = Array.isArray(req.messages) ? (req.messages as unknown[]) : [];
  const preferred = messages.flatMap((m, i) => ((m as Json)?.role === prefer ? [i] : []));
  if (preferred.length > 0 && r.chance(0.7)) return r.pick(preferred);
  return messages.length > 0 ? r.int(0, messages.length - 1) : 0;
}

// ---- mutations: each picks a path, sets a value there and says what it did -------------

type Mutation = (r: Random, req: Json, opsInCase: number) => string;

const at = (req: Json, path: Path, value: unknown) => {
  setAt(req, path, value);
  return `${show(path)} = ${clip(value)}`;
};

export const MUTATIONS: Record<string, Mutation> = {
  null: (r, req) => at(req, randomPath(r, req), null),
  wrongType: (r, req) => at(req, randomPath(r, req), structuredClone(r.pick(WRONG_TYPES))),
  hugeString: (r, req, n) => at(req, randomPath(r, req), hugeString(r, Math.floor(200_000 / n))),
  nanString: (r, req) => at(req, randomPath(r, req), r.pick(NANISH)),
  badNumber: (r, req) => at(req, randomPath(r, req), r.pick(NUMBERS)),
  empty: (r, req) => at(req, randomPath(r, req), structuredClone(r.pick(EMPTIES))),
  protoKeys: (r, req) => {
    const path = randomPath(r, req);
    const current = getAt(req, path);
    const value = current && typeof current === "object" && !Array.isArray(current) && !(current instanceof RawJson) ? withProtoKeys(current as Json) : JSON.parse(PROTO_JSON);
    return at(req, path, value);
  },
  deepNesting: (r, req) => at(req, r.chance(0.5) ? randomPath(r, req) : ["messages", messageIndex(r, req, "user"), "content"], deepValue(r)),
  unknownRole: (r, req) => at(req, ["messages", messageIndex(r, req), "role"], r.pick(ROLES)),
  unknownPartType: (r, req) => {
    const i = messageIndex(r, req, "user");
    const content = getAt(req, ["messages", i, "content"]);
    if (Array.isArray(content) && content.length > 0 && r.chance(0.6)) return at(req, ["messages", i, "content", r.int(0, content.length - 1), "type"], r.pick(PART_TYPES));
    return at(req, ["messages", i, "content"], [{ type: r.pick(PART_TYPES), text: "x", input_audio: { data: "AAAA", format: "wav" } }]);
  },
  toolCallsGarbage: (r, req) => at(req, ["messages", messageIndex(r, req, "assistant"), "tool_calls"], structuredClone(r.pick(TOOL_CALLS))),
  toolChoiceGarbage: (r, req) => at(req, ["tool_choice"], structuredClone(r.pick(TOOL_CHOICES))),
  responseFormatGarbage: (r, req) => at(req, ["response_format"], structuredClone(r.pick(RESPONSE_FORMATS))),
  streamGarbage: (r, req) => at(req, ["stream"], structuredClone(r.pick(STREAMS))),
};

// ---- categories -----------------------------------------------------------------------

type Generator = (r: Random, ctx: FuzzContext) => Omit<GeneratedRequest, "headers"> & { headers?: Record<string, string> };

export interface Category {
  /** Share of the generated requests. */
  weight: number;
  /** At least this share of the category's requests must be designed-invalid (so the fuzz cannot silently degrade). */
  minInvalidShare: number;
  generate: Generator;
}

const baseText = (r: Random) => {
  const name = r.pick(Object.keys(BASES));
  return { name, text: JSON.stringify(BASES[name]) };
};

const BAD_UTF8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xbf], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
const JSON_TOKENS = ["{", "}", "[", "]", ":", ",", '"model"', '"messages"', '"grok-4"', '"role"', "null", "1e999", '"\\ud800"', '"\\u0000"', "true", " ", '"', "\\", "-", "0", ".5", "\n"];
const NOT_OBJECTS = ["null", "true", "false", "0", "-1", "1e999", '"string"', "[]", "[{}]", "{}", " ", "\t\n", "\ufeff"];
const CONTENT_TYPES = [
  "text/plain", "multipart/form-data; boundary=----fuzz", "application/x-www-form-urlencoded", "application/xml", "", "application/json; charset=utf-16",
  "application/json; charset=latin1", "*/*", "garbage;;;===", "application/octet-stream", "application/json, text/plain", null,
];
const MODELS = [
  "gpt-4o", "", "GROK-4", "grok-4 ", " grok-4", "grok-4\u0000", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf",
  "ocid1.generativeaiendpoint.oc1.us-chicago-1.xyz", "xai.grok-5", "../../../etc/passwd", "grok-4/../grok-4", "😀", "cohere.command-r-plus-08-2024", "x".repeat(10_000),
];

/** The fuzz categories, with their share of the generated requests. */
export const CATEGORIES: Record<string, Category> = {
  mutate: {
    weight: 44,
    minInvalidShare: 0.5,
    generate(r, ctx) {
      const name = r.pick(Object.keys(BASES));
      const req = structuredClone(BASES[name]);
      const count = r.int(1, 3);
      const ops = Array.from({ length: count }, () => r.pick(Object.keys(MUTATIONS)));
      let invalidBy: string | undefined;
      const done = ops.map((op) => {
        const what = `${op}: ${MUTATIONS[op](r, req, count)}`;
        invalidBy ??= expectedRejection(JSON.parse(toJsonText(req)), ctx.models) === null ? undefined : op;
        return what;
      });
      return { detail: `${name} with ${done.join("; ")}`, body: Buffer.from(toJsonText(req)), ops, invalidBy };
    },
  },
  truncated: {
    weight: 8,
    minInvalidShare: 0.95,
    generate(r) {
      const { name, text } = baseText(r);
      const bytes = Buffer.from(text);
      const at = r.int(0, bytes.length - 1);
      return { detail: `${name} cut at byte ${at} of ${bytes.length}`, body: bytes.subarray(0, at) };
    },
  },
  invalidUtf8: {
    weight: 8,
    minInvalidShare: 0.95,
    generate(r) {
      const { name, text } = baseText(r);
      const bytes = Buffer.from(text);
      const inString = text.lastIndexOf('"content":"');
      const at = r.chance(0.7) && inString >= 0 ? Buffer.byteLength(text.slice(0, inString + 11)) : r.int(0, bytes.length);
      const bad = r.pick(BAD_UTF8);
      return { detail: `${name} with bytes ${Buffer.from(bad).toString("hex")} at ${at}`, body: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]) };
    },
  },
  randomBytes: {
    weight: 6,
    minInvalidShare: 0.95,
    generate(r) {
      if (r.chance(0.5)) return { detail: "random bytes", body: r.bytes(r.int(1, 4_096)) };
      const soup = Array.from({ length: r.int(1, 400) }, () => r.pick(JSON_TOKENS)).join("");
      return { detail: `token soup ${clip(soup)}`, body: Buffer.from(soup) };
    },
  },
  emptyBody: {
    weight: 3,
    minInvalidShare: 0.95,
    generate(r) {
      const body = r.pick(["", "", " ", "\r\n", "{}"]);
      return { detail: `body ${JSON.stringify(body)}`, body: Buffer.from(body), chunked: r.chance(0.3) };
    },
  },
  notAnObject: {
    weight: 5,
    minInvalidShare: 0.95,
    generate(r) {
      const { text } = baseText(r);
      const body = r.pick([...NOT_OBJECTS, `[${text}]`, JSON.stringify(text), `${text}${text}`, `${text},`, `${text}x`]);
      return { detail: `body ${clip(body)}`, body: Buffer.from(body) };
    },
  },
  contentType: {
    weight: 8,
    minInvalidShare: 0.2,
    generate(r) {
      const { name, text } = baseText(r);
      const body = r.pick([text, text, text, "\ufeff" + text, "model=grok-4&messages=hi", `------fuzz\r\nContent-Disposition: form-data; name="model"\r\n\r\ngrok-4\r\n------fuzz--\r\n`]);
      const type = r.pick(CONTENT_TYPES);
      return { detail: `${name}-ish body ${clip(body)} as content-type ${JSON.stringify(type)}`, body: Buffer.from(body), headers: type === null ? {} : { "content-type": type } as Record<string, string> };
    },
  },
  tooLarge: {
    weight: 3,
    minInvalidShare: 0.95,
    generate(r, ctx) {
      const size = r.chance(0.3) ? ctx.limitBytes + 1 : 300 * 1024;
      const filler = "x".repeat(size - JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: "" }] }).length);
      const body = Buffer.from(JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: filler }] }));
      const chunked = r.chance(0.4);
      return { detail: `${body.length}-byte body${chunked ? ", chunked" : ""}`, body, chunked };
    },
  },
  unknownModel: {
    weight: 6,
    minInvalidShare: 0.8,
    generate(r) {
      const name = r.pick(Object.keys(BASES));
      const model = r.pick(MODELS);
      return { detail: `${name} with model ${clip(model)}`, body: Buffer.from(JSON.stringify({ ...BASES[name], model })) };
    },
  },
  deepNesting: {
    weight: 5,
    minInvalidShare: 0.5,
    generate(r) {
      const depth = r.int(4_500, 150_000);
      const arrays = "[".repeat(depth) + "]".repeat(depth);
      if (depth > 100_000 || r.chance(0.2)) return { detail: `body of ${depth} nested arrays`, body: Buffer.from(arrays) };
      const name = r.pick(Object.keys(BASES));
      const req = structuredClone(BASES[name]);
      const path = r.pick<Path>([
        ["messages"], ["messages", 0], ["messages", 0, "content"], ["messages", 0, "content", 0], ["stop"], ["logit_bias"], ["tools"], ["metadata"],
        // Fields the proxy forwards without looking inside.
        ["tools", 0, "function", "parameters", "properties"], ["response_format", "json_schema", "schema", "properties"],
      ]);
      return { detail: `${name} with ${at(req, path, deepValue(r))}`, body: Buffer.from(toJsonText(req)) };
    },
  },
  auth: {
    weight: 3,
    minInvalidShare: 0.6,
    generate(r, ctx) {
      const { name, text } = baseText(r);
      const headers = r.pick<Record<string, string>>([
        {}, { authorization: "Bearer wrong" }, { authorization: `Basic ${ctx.apiKey}` }, { authorization: `Bearer ${ctx.apiKey}x` },
        { authorization: "Bearer" }, { authorization: `Bearer ${ctx.apiKey.slice(0, -1)}` }, { "x-api-key": "nope" }, { authorization: `bearer  ${ctx.apiKey} ` },
        { authorization: "Bearer " + "k".repeat(8_000) }, { authorization: "", "x-api-key": ctx.apiKey },
      ]);
      return { detail: `${name} with auth headers ${clip(headers)}`, body: Buffer.from(text), headers: { "content-type": "application/json", ...headers } };
    },
  },
};

/** Generates request `index` of a run; the same (seed, index) always gives the same request. */
export function generate(category: string, r: Random, ctx: FuzzContext): GeneratedRequest {
  const made = CATEGORIES[category].generate(r, ctx);
  const headers = { ...(made.headers ?? { "content-type": "application/json" }) };
  // Only the auth category plays with credentials.
  if (category !== "auth") headers.authorization = `Bearer ${ctx.apiKey}`;
  return { ...made, headers };
}
