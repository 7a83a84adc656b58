/**
 * The fuzz test's oracle: given the JSON a generated request parses to, the field that
 * certainly makes the proxy refuse it, or null when the request may be valid.
 *
 * It is written from the OpenAI Chat Completions contract (as documented in
 * shared/openai/validate-chat-request.ts), independently of that code, and errs on the
 * side of "may be valid": a wrong null only weakens the test, a wrong path would make
 * a correct proxy fail it.
 */
type Json = Record<string, unknown>;

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const DETAILS = new Set(["auto", "low", "high"]);
const EFFORTS = new Set(["none", "minimal", "low", "medium", "high"]);
const FORMATS = new Set(["text", "json_object", "json_schema"]);
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX = Number.MAX_SAFE_INTEGER;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isName = (v: unknown) => isString(v) && NAME.test(v);
/** Optional fields may be null or absent. */
const opt = (v: unknown, ok: (v: unknown) => boolean) => v == null || ok(v);
const intIn = (min: number, max: number) => (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
const numIn = (min: number, max: number) => (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;

const SCALARS: [string, (v: unknown) => boolean][] = [
  ["stream", isBool],
  ["parallel_tool_calls", isBool],
  ["logprobs", isBool],
  ["user", isString],
  ["max_tokens", intIn(1, MAX)],
  ["max_completion_tokens", intIn(1, MAX)],
  ["top_k", intIn(-1, MAX)],
  ["seed", intIn(-MAX, MAX)],
  ["top_logprobs", intIn(0, 20)],
  ["n", intIn(1, 1)],
  ["temperature", numIn(0, 2)],
  ["top_p", numIn(0, 1)],
  ["frequency_penalty", numIn(-2, 2)],
  ["presence_penalty", numIn(-2, 2)],
  ["reasoning_effort", (v) => isString(v) && EFFORTS.has(v)],
];

/** `models`: every name a client may use (configured names and OCI ids). */
export function expectedRejection(body: unknown, models: ReadonlySet<string>): string | null {
  if (!isObject(body)) return "body";
  if (!isString(body.model) || !models.has(body.model)) return "model";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "messages";
  for (let i = 0; i < messages.length; i++) if (!messageOk(messages[i])) return `messages[${i}]`;

  for (const [key, ok] of SCALARS) if (!opt(body[key], ok)) return key;
  if (!opt(body.stream_options, (v) => isObject(v) && opt(v.include_usage, isBool))) return "stream_options";
  if (!opt(body.stop, (v) => isString(v) || (Array.isArray(v) && v.length <= 4 && v.every(isString)))) return "stop";
  if (!opt(body.logit_bias, (v) => isObject(v) && Object.values(v).every(numIn(-100, 100)))) return "logit_bias";
  if (!opt(body.tools, (v) => Array.isArray(v) && v.every(toolOk))) return "tools";
  if (!opt(body.tool_choice, (v) => toolChoiceOk(v, body.tools as Json[] | null | undefined))) return "tool_choice";
  if (!opt(body.response_format, responseFormatOk)) return "response_format";
  return null;
}

function messageOk(m: unknown): boolean {
  if (!isObject(m) || !isString(m.role) || !ROLES.has(m.role) || !opt(m.name, isString)) return false;
  switch (m.role) {
    case "user":
      return m.content != null && contentOk(m.content, true);
    case "tool":
      return m.content != null && contentOk(m.content, false) && isString(m.tool_call_id) && m.tool_call_id !== "";
    case "assistant":
      if (m.tool_calls == null && m.content == null) return false;
      return opt(m.tool_calls, toolCallsOk) && opt(m.content, (c) => contentOk(c, false));
    default:
      return m.content != null && contentOk(m.content, false);
  }
}

function contentOk(content: unknown, allowImages: boolean): boolean {
  if (isString(content)) return true;
  if (!Array.isArray(content) || content.length === 0) return false;
  return content.every((part) => {
    if (!isObject(part)) return false;
    if (part.type === "text") return isString(part.text);
    if (part.type !== "image_url" || !allowImages) return false;
    const image = part.image_url;
    return isObject(image) && isString(image.url) && image.url !== "" && opt(image.detail, (d) => isString(d) && DETAILS.has(d));
  });
}

function toolCallsOk(calls: unknown): boolean {
  if (!Array.isArray(calls) || calls.length === 0) return false;
  return calls.every(
    (c) => isObject(c) && isString(c.id) && c.type === "function" && isObject(c.function) && isString(c.function.name) && isString(c.function.arguments),
  );
}

function toolOk(tool: unknown): boolean {
  if (!isObject(tool) || tool.type !== "function" || !isObject(tool.function)) return false;
  const fn = tool.function;
  return isName(fn.name) && opt(fn.description, isString) && opt(fn.parameters, isObject) && opt(fn.strict, isBool);
}

function toolChoiceOk(choice: unknown, tools: Json[] | null | undefined): boolean {
  const names = new Set((tools ?? []).map((t) => (t.function as Json).name));
  if (isString(choice)) return choice === "auto" || choice === "none" || (choice === "required" && names.size > 0);
  return isObject(choice) && choice.type === "function" && isObject(choice.function) && isString(choice.function.name) && names.has(choice.function.name);
}

function responseFormatOk(format: unknown): boolean {
  if (!isObject(format) || !isString(format.type) || !FORMATS.has(format.type)) return false;
  if (format.type !== "json_schema") return true;
  const spec = format.json_schema;
  return isObject(spec) && isName(spec.name) && opt(spec.description, isString) && opt(spec.schema, isObject) && opt(spec.strict, isBool);
}
