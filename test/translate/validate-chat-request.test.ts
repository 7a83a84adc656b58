import { InvalidRequestError } from "../../shared/openai/errors";
import { validateChatRequest } from "../../shared/openai/validate-chat-request";

const base = () => ({ model: "grok", messages: [{ role: "user", content: "hi" }] as unknown[] });

function errorOf(body: unknown): InvalidRequestError {
  try {
    validateChatRequest(body);
  } catch (err) {
    if (err instanceof InvalidRequestError) return err;
    throw new Error(`threw something else: ${String(err)}`);
  }
  throw new Error("expected an InvalidRequestError, got a valid request");
}

describe("validateChatRequest: accepts", () => {
  it("returns the very same object", () => {
    const body = base();
    expect(validateChatRequest(body)).toBe(body);
  });

  it("accepts a request that uses every field", () => {
    const body = {
      model: "m",
      messages: [
        { role: "system", content: "s" },
        { role: "developer", content: [{ type: "text", text: "d" }] },
        {
          role: "user",
          name: "u",
          content: [
            { type: "text", text: "t" },
            { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c", content: [{ type: "text", text: "r" }] },
        { role: "assistant", content: "done" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 10,
      max_completion_tokens: 20,
      temperature: 2,
      top_p: 0,
      top_k: -1,
      frequency_penalty: -2,
      presence_penalty: 2,
      stop: ["a", "b", "c", "d"],
      seed: -5,
      n: 1,
      tools: [{ type: "function", function: { name: "f_1-x", description: "d", parameters: { type: "object" }, strict: false } }],
      tool_choice: { type: "function", function: { name: "f_1-x" } },
      parallel_tool_calls: true,
      response_format: { type: "json_schema", json_schema: { name: "out", schema: {}, strict: true } },
      reasoning_effort: "minimal",
      logprobs: true,
      top_logprobs: 5,
      logit_bias: { "50256": -100 },
      user: "someone",
      some_future_field: { anything: true },
    };
    expect(validateChatRequest(body)).toBe(body);
  });

  it("treats null optional fields as absent", () => {
    const body = { ...base(), temperature: null, stop: null, tools: null, tool_choice: null, response_format: null, stream_options: null };
    expect(validateChatRequest(body)).toBe(body);
  });
});

describe("validateChatRequest: rejects, naming the field", () => {
  const msg = (m: unknown) => ({ ...base(), messages: [m] });
  const tools = [{ type: "function", function: { name: "f" } }];

  it.each<[string, unknown, string | null]>([
    ["a non-object body", [1, 2], null],
    ["a null body", null, null],
    ["a string body", "hello", null],
    ["a missing model", { messages: [] }, "model"],
    ["an empty model", { ...base(), model: "" }, "model"],
    ["a numeric model", { ...base(), model: 4 }, "model"],
    ["missing messages", { model: "m" }, "messages"],
    ["empty messages", { model: "m", messages: [] }, "messages"],
    ["messages as an object", { model: "m", messages: {} }, "messages"],
    ["a message that is not an object", { model: "m", messages: ["hi"] }, "messages[0]"],
    ["an unknown role", msg({ role: "robot", content: "x" }), "messages[0].role"],
    ["a prototype-key role", msg({ role: "constructor", content: "x" }), "messages[0].role"],
    ["a missing role", msg({ content: "x" }), "messages[0].role"],
    ["user content missing", msg({ role: "user" }), "messages[0].content"],
    ["user content a number", msg({ role: "user", content: 5 }), "messages[0].content"],
    ["user content an empty array", msg({ role: "user", content: [] }), "messages[0].content"],
    ["an unknown part type", msg({ role: "user", content: [{ type: "text", text: "a" }, { type: "input_audio" }] }), "messages[0].content[1].type"],
    ["a part without type", msg({ role: "user", content: [{ text: "a" }] }), "messages[0].content[0].type"],
    ["a text part without text", msg({ role: "user", content: [{ type: "text" }] }), "messages[0].content[0].text"],
    ["a text part with numeric text", msg({ role: "user", content: [{ type: "text", text: 1 }] }), "messages[0].content[0].text"],
    ["image_url without url", msg({ role: "user", content: [{ type: "image_url", image_url: {} }] }), "messages[0].content[0].image_url.url"],
    ["image_url missing", msg({ role: "user", content: [{ type: "image_url" }] }), "messages[0].content[0].image_url"],
    ["a bad image detail", msg({ role: "user", content: [{ type: "image_url", image_url: { url: "u", detail: "ultra" } }] }), "messages[0].content[0].image_url.detail"],
    ["an image in a system message", msg({ role: "system", content: [{ type: "image_url", image_url: { url: "u" } }] }), "messages[0].content[0].type"],
    ["an assistant with neither content nor tool_calls", msg({ role: "assistant" }), "messages[0].content"],
    ["tool_calls not an array", msg({ role: "assistant", tool_calls: {} }), "messages[0].tool_calls"],
    ["a tool call without id", msg({ role: "assistant", tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }), "messages[0].tool_calls[0].id"],
    ["a tool call of another type", msg({ role: "assistant", tool_calls: [{ id: "a", type: "custom", function: { name: "f", arguments: "{}" } }] }), "messages[0].tool_calls[0].type"],
    ["a tool call without function", msg({ role: "assistant", tool_calls: [{ id: "a", type: "function" }] }), "messages[0].tool_calls[0].function"],
    ["a tool call without name", msg({ role: "assistant", tool_calls: [{ id: "a", type: "function", function: { arguments: "{}" } }] }), "messages[0].tool_calls[0].function.name"],
    ["tool call arguments as an object", msg({ role: "assistant", tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: {} } }] }), "messages[0].tool_calls[0].function.arguments"],
    ["a tool message without tool_call_id", msg({ role: "tool", content: "r" }), "messages[0].tool_call_id"],
    ["a tool message with an empty tool_call_id", msg({ role: "tool", content: "r", tool_call_id: "" }), "messages[0].tool_call_id"],
    ["a numeric name", msg({ role: "user", content: "x", name: 1 }), "messages[0].name"],
    ["temperature above 2", { ...base(), temperature: 2.5 }, "temperature"],
    ["temperature below 0", { ...base(), temperature: -0.1 }, "temperature"],
    ["temperature as a string", { ...base(), temperature: "0.5" }, "temperature"],
    ["temperature as NaN-like text", { ...base(), temperature: "NaN" }, "temperature"],
    ["top_p above 1", { ...base(), top_p: 1.01 }, "top_p"],
    ["frequency_penalty below -2", { ...base(), frequency_penalty: -3 }, "frequency_penalty"],
    ["presence_penalty above 2", { ...base(), presence_penalty: 2.1 }, "presence_penalty"],
    ["max_tokens 0", { ...base(), max_tokens: 0 }, "max_tokens"],
    ["max_tokens fractional", { ...base(), max_tokens: 1.5 }, "max_tokens"],
    ["max_completion_tokens negative", { ...base(), max_completion_tokens: -1 }, "max_completion_tokens"],
    ["n = 2", { ...base(), n: 2 }, "n"],
    ["n = 0", { ...base(), n: 0 }, "n"],
    ["top_k below -1", { ...base(), top_k: -2 }, "top_k"],
    ["top_k fractional", { ...base(), top_k: 1.5 }, "top_k"],
    ["seed fractional", { ...base(), seed: 0.5 }, "seed"],
    ["stop as a number", { ...base(), stop: 5 }, "stop"],
    ["stop with five entries", { ...base(), stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["stop with a number inside", { ...base(), stop: ["a", 1] }, "stop[1]"],
    ["stream as a string", { ...base(), stream: "true" }, "stream"],
    ["stream_options as a string", { ...base(), stream_options: "x" }, "stream_options"],
    ["stream_options.include_usage as a string", { ...base(), stream_options: { include_usage: "yes" } }, "stream_options.include_usage"],
    ["tools as an object", { ...base(), tools: {} }, "tools"],
    ["a tool of another type", { ...base(), tools: [{ type: "retrieval" }] }, "tools[0].type"],
    ["a tool without function", { ...base(), tools: [{ type: "function" }] }, "tools[0].function"],
    ["a tool name with spaces", { ...base(), tools: [{ type: "function", function: { name: "get weather" } }] }, "tools[0].function.name"],
    ["a tool name too long", { ...base(), tools: [{ type: "function", function: { name: "x".repeat(65) } }] }, "tools[0].function.name"],
    ["tool parameters as an array", { ...base(), tools: [{ type: "function", function: { name: "f", parameters: [] } }] }, "tools[0].function.parameters"],
    ["a second tool broken", { ...base(), tools: [...tools, { type: "function", function: { name: 3 } }] }, "tools[1].function.name"],
    ["tool_choice unknown", { ...base(), tools, tool_choice: "any" }, "tool_choice"],
    ["tool_choice required without tools", { ...base(), tool_choice: "required" }, "tool_choice"],
    ["tool_choice naming an undeclared tool", { ...base(), tools, tool_choice: { type: "function", function: { name: "g" } } }, "tool_choice.function.name"],
    ["tool_choice object without function", { ...base(), tools, tool_choice: { type: "function" } }, "tool_choice.function"],
    ["tool_choice of another type", { ...base(), tools, tool_choice: { type: "custom" } }, "tool_choice.type"],
    ["response_format as a string", { ...base(), response_format: "json" }, "response_format"],
    ["response_format unknown type", { ...base(), response_format: { type: "yaml" } }, "response_format.type"],
    ["json_schema missing", { ...base(), response_format: { type: "json_schema" } }, "response_format.json_schema"],
    ["json_schema without name", { ...base(), response_format: { type: "json_schema", json_schema: {} } }, "response_format.json_schema.name"],
    ["json_schema schema as an array", { ...base(), response_format: { type: "json_schema", json_schema: { name: "n", schema: [] } } }, "response_format.json_schema.schema"],
    ["reasoning_effort unknown", { ...base(), reasoning_effort: "max" }, "reasoning_effort"],
    ["logit_bias out of range", { ...base(), logit_bias: { "1": 101 } }, "logit_bias"],
    ["logprobs as a number", { ...base(), logprobs: 1 }, "logprobs"],
    ["top_logprobs above 20", { ...base(), top_logprobs: 21 }, "top_logprobs"],
  ])("%s", (_name, body, param) => {
    const err = errorOf(body);
    expect(err.param).toBe(param);
    expect(err.status).toBe(400);
    expect(err.type).toBe("invalid_request_error");
  });

  it("explains that n > 1 is unsupported", () => {
    expect(errorOf({ ...base(), n: 3 }).message).toMatch(/n = 1/);
  });

  it("does not echo a huge value back in full", () => {
    const err = errorOf({ ...base(), reasoning_effort: "x".repeat(1_000_000) });
    expect(err.message.length).toBeLessThan(300);
  });

  it("turns a throwing getter into an InvalidRequestError", () => {
    const body = base() as Record<string, unknown>;
    Object.defineProperty(body, "temperature", {
      enumerable: true,
      get() {
        throw new TypeError("boom");
      },
    });
    expect(errorOf(body).param).toBeNull();
  });
});

describe("validateChatRequest: fuzz", () => {
  // Deterministic PRNG so a failure is reproducible.
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];

  const KEYS = [
    "model", "messages", "role", "content", "type", "text", "image_url", "url", "detail", "tool_calls", "id",
    "function", "name", "arguments", "tool_call_id", "temperature", "top_p", "top_k", "n", "stop", "tools",
    "tool_choice", "parameters", "response_format", "json_schema", "schema", "stream", "stream_options",
    "include_usage", "max_tokens", "max_completion_tokens", "reasoning_effort", "logit_bias", "seed",
    "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf",
  ] as const;
  const STRINGS = ["", "user", "assistant", "tool", "system", "developer", "text", "image_url", "function", "auto", "none",
    "required", "json_schema", "NaN", "Infinity", "-1", "1e309", "__proto__", "constructor", "x".repeat(100_000), "\u0000", "💥"];
  const NUMBERS = [0, 1, -1, 2, 0.5, -0.0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 4.2, 64, 65];

  function value(depth: number): unknown {
    const r = rand();
    if (depth > 6 || r < 0.15) return pick([null, true, false, undefined]);
    if (r < 0.35) return pick(STRINGS);
    if (r < 0.5) return pick(NUMBERS);
    if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    const obj: Record<string, unknown> = {};
    const count = Math.floor(rand() * 5);
    for (let i = 0; i < count; i++) obj[pick(KEYS)] = value(depth + 1);
    return obj;
  }

  /** A mostly-valid request with one random corruption, so the fuzz reaches deep checks. */
  function nearlyValid(): unknown {
    const body = JSON.parse(
      JSON.stringify({
        model: "m",
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: [{ type: "text", text: "t" }, { type: "image_url", image_url: { url: "u" } }] },
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "c", content: "r" },
        ],
        tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
        tool_choice: { type: "function", function: { name: "f" } },
        response_format: { type: "json_schema", json_schema: { name: "n" } },
      }),
    );
    // Walk to a random nested container and overwrite one key with a random value.
    let node: Record<string, unknown> = body;
    for (let steps = Math.floor(rand() * 5); steps > 0; steps--) {
      const keys = Object.keys(node).filter((k) => node[k] !== null && typeof node[k] === "object");
      if (keys.length === 0) break;
      node = node[pick(keys)] as Record<string, unknown>;
    }
    const keys = Object.keys(node);
    node[keys.length > 0 && rand() < 0.7 ? pick(keys) : pick(KEYS)] = value(3);
    return body;
  }

  function deeplyNested(depth: number): unknown {
    let v: unknown = "x";
    for (let i = 0; i < depth; i++) v = rand() < 0.5 ? [v] : { content: v, messages: v, parameters: v };
    return v;
  }

  it("only ever returns the input or throws InvalidRequestError, over 6000 hostile bodies", () => {
    const bodies: unknown[] = [];
    for (let i = 0; i < 2000; i++) bodies.push(value(0));
    for (let i = 0; i < 3500; i++) bodies.push(nearlyValid());
    for (let i = 0; i < 20; i++) bodies.push({ model: "m", messages: [{ role: "user", content: deeplyNested(10_000) }] });
    for (let i = 0; i < 480; i++) bodies.push(JSON.parse(JSON.stringify(nearlyValid()).replace(/"s"/, '{"__proto__":{"role":"user"}}')));

    let accepted = 0;
    for (const body of bodies) {
      try {
        expect(validateChatRequest(body)).toBe(body);
        accepted++;
      } catch (err) {
        if (!(err instanceof InvalidRequestError)) throw new Error(`non-400 error for ${JSON.stringify(body)?.slice(0, 300)}: ${String(err)}`);
        expect(err.status).toBe(400);
        // The catch-all fallback is for getters and proxies; plain JSON must never need it.
        expect(err.message).not.toMatch(/could not be read/);
      }
    }
    // The corpus must exercise both outcomes, or it tests nothing.
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(bodies.length - 1000);
  });

  it("validates a 10 000-message request quickly", () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: [{ type: "text", text: "x" }] }));
    const started = performance.now();
    validateChatRequest({ model: "m", messages });
    expect(performance.now() - started).toBeLessThan(200);
  });
});
