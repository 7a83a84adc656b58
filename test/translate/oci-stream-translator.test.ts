import { OciStreamTranslator } from "../../shared/oci/translate/oci-stream-translator";
import { UpstreamProtocolError } from "../../shared/oci/translate/upstream-protocol-error";
import { UpstreamFailure } from "../../shared/oci/upstream-failure";
import { STREAM_CASES as CASES } from "./stream-cases";
import { IDENTITY, reassemble, replay } from "./stream-fixture";

describe.each(CASES)("replaying $fixture", (expected) => {
  it.each([true, false])("gives the client the whole answer once (includeUsage %s)", (includeUsage) => {
    const { chunks, translator } = replay(expected.fixture, expected.format, includeUsage);
    const got = reassemble(chunks);

    expect(got.content).toBe(expected.content);
    expect(got.reasoning).toBe(expected.reasoning ?? "");
    expect(got.finishReasons).toEqual([expected.finish]);
    expect(got.usageChunks).toEqual(includeUsage ? [expected.usage] : []);
    expect(translator.usage).toEqual(expected.usage);

    const calls = expected.toolCalls ?? [];
    expect(got.toolCalls.map((c) => ({ name: c.name, args: JSON.parse(c.arguments) }))).toEqual(
      calls.map((c) => ({ name: c.name, args: c.args })),
    );
    calls.forEach((c, i) => {
      if (c.id) expect(got.toolCalls[i].id).toBe(c.id);
      else expect(got.toolCalls[i].id).toMatch(/^call_[0-9a-f]{24}$/);
    });
    expect(new Set(got.toolCalls.map((c) => c.id)).size).toBe(got.toolCalls.length);
  });

  it("says done right after the event that completes the answer", () => {
    const { doneAfterEvent, translator } = replay(expected.fixture, expected.format, false);
    expect(doneAfterEvent).toBe(expected.doneAfterEvent);
    expect(translator.finished).toBe(true);
  });
});

describe("OciStreamTranslator", () => {
  const generic = (includeUsage = false) => new OciStreamTranslator({ ...IDENTITY, format: "GENERIC", includeUsage });
  const text = (t: string) => JSON.stringify({ index: 0, message: { role: "ASSISTANT", content: [{ type: "TEXT", text: t }] } });

  it("is finished but not done after a GENERIC finish until usage arrives", () => {
    const t = generic(true);
    t.push(text("hi"));
    t.push(JSON.stringify({ finishReason: "stop" }));
    expect([t.finished, t.done]).toEqual([true, false]);
    const usageChunks = t.push(JSON.stringify({ usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } }));
    expect(t.done).toBe(true);
    expect(usageChunks).toEqual([{ ...IDENTITY, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }]);
    expect(t.finish()).toEqual([]);
  });

  it("is done after a COHERE finish even without usage (the connection may stay open)", () => {
    const t = new OciStreamTranslator({ ...IDENTITY, format: "COHERE", includeUsage: true });
    t.push(JSON.stringify({ apiFormat: "COHERE", text: "x" }));
    t.push(JSON.stringify({ apiFormat: "COHERE", finishReason: "MAX_TOKENS" }));
    expect(t.done).toBe(true);
  });

  it("emits a finish chunk on finish() when the upstream ended without one, and only once", () => {
    const t = generic();
    const first = t.push(text("partial"));
    const end = t.finish();
    expect(reassemble([...first, ...end])).toMatchObject({ content: "partial", finishReasons: ["stop"] });
    expect(t.finish()).toEqual([]);
  });

  it("gives an empty stream a role chunk and a finish chunk", () => {
    const chunks = generic().finish();
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([{ role: "assistant", content: "" }, {}]);
  });

  it("starts with the role and content \"\" when the first event is the finish", () => {
    const chunks = generic().push(JSON.stringify({ finishReason: "length" }));
    expect(chunks.map((c) => [c.choices[0].delta, c.choices[0].finish_reason])).toEqual([
      [{ role: "assistant", content: "" }, null],
      [{}, "length"],
    ]);
  });

  it("ignores content arriving after the finish event", () => {
    const t = generic();
    t.push(JSON.stringify({ finishReason: "stop" }));
    expect(t.push(text("late"))).toEqual([]);
  });

  it("swallows [DONE] and treats it as the end of the stream", () => {
    const t = generic();
    t.push(text("a"));
    expect(t.push("[DONE]")).toEqual([]);
    expect(t.done).toBe(true);
  });

  it("downgrades a tool_calls finish without any tool call to stop", () => {
    const chunks = generic().push(JSON.stringify({ finishReason: "tool_calls" }));
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe("stop");
  });

  it("does not repeat a COHERE closing text that differs from the streamed one", () => {
    const t = new OciStreamTranslator({ ...IDENTITY, format: "COHERE", includeUsage: false });
    const chunks = [
      ...t.push(JSON.stringify({ apiFormat: "COHERE", text: "Hello  world" })),
      ...t.push(JSON.stringify({ apiFormat: "COHERE", text: "Hello world", chatHistory: [], finishReason: "COMPLETE" })),
    ];
    expect(reassemble(chunks).content).toBe("Hello  world");
  });

  it("keeps the text of a COHERE answer that arrives only in the closing event", () => {
    const t = new OciStreamTranslator({ ...IDENTITY, format: "COHERE", includeUsage: false });
    const chunks = t.push(JSON.stringify({ apiFormat: "COHERE", text: "All at once.", chatHistory: [], finishReason: "COMPLETE" }));
    expect(reassemble(chunks)).toMatchObject({ content: "All at once.", finishReasons: ["stop"] });
  });

  it("continues a call whose later fragment repeats the id", () => {
    const t = generic();
    const frag = (f: object) => JSON.stringify({ message: { toolCalls: [{ type: "FUNCTION", ...f }] } });
    const chunks = [
      ...t.push(frag({ id: "c1", name: "f", arguments: "{\"a\":" })),
      ...t.push(frag({ id: "c1", name: "f", arguments: "1}" })),
      ...t.finish(),
    ];
    expect(reassemble(chunks).toolCalls).toEqual([{ index: 0, id: "c1", name: "f", arguments: "{\"a\":1}" }]);
  });

  it.each([
    ["not JSON", "{oops"],
    ["a JSON array", "[1,2]"],
    ["a JSON string", "\"hello\""],
    ["an OCI error object", JSON.stringify({ code: "InternalServerError", message: "boom" })],
    ["an error envelope", JSON.stringify({ error: { message: "overloaded" } })],
  ])("throws UpstreamProtocolError (a protocol UpstreamFailure) for %s", (_name, data) => {
    const t = generic();
    let thrown: unknown;
    try {
      t.push(data);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UpstreamProtocolError);
    expect(thrown).toBeInstanceOf(UpstreamFailure);
    expect((thrown as UpstreamFailure).kind).toBe("protocol");
  });

  it("skips empty data (keep-alive events)", () => {
    expect(generic().push("")).toEqual([]);
  });
});
