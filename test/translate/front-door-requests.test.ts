/**
 * The two request translators (Responses → canonical chat, Messages → canonical chat),
 * pure, on the shapes real clients send (Codex, the Agents SDK, Claude Code).
 */
import { messagesToChatRequest } from "../../shared/anthropic/messages-to-chat-request";
import { validateMessagesRequest } from "../../shared/anthropic/validate-messages-request";
import { InvalidRequestError } from "../../shared/openai/errors";
import { responsesToChatRequest } from "../../shared/responses/to-chat-request";
import { validateResponsesRequest } from "../../shared/responses/validate-responses-request";

const responses = (body: unknown, reasoningEffort = false, history?: any[]) =>
  responsesToChatRequest(validateResponsesRequest(body), { reasoningEffort, history });
const messages = (body: unknown, reasoningEffort = false) => messagesToChatRequest(validateMessagesRequest(body), { reasoningEffort });

describe("Responses → chat", () => {
  test("a Codex-shaped turn: developer prompt as input, ids on items, hosted tools dropped, effortless reasoning ignored", () => {
    const { chat, droppedTools } = responses({
      model: "grok-4",
      store: false,
      stream: true,
      include: ["reasoning.encrypted_content"],
      reasoning: { summary: "auto" },
      prompt_cache_key: "abc",
      client_metadata: { originator: "codex_cli_rs" },
      tools: [
        { type: "function", name: "shell", description: "Run a command", parameters: { type: "object", properties: { command: { type: "array" } } }, strict: false },
        { type: "web_search" },
        { type: "namespace", name: "mcp__fs", tools: [] },
      ],
      tool_choice: "auto",
      parallel_tool_calls: false,
      input: [
        { type: "message", id: "m1", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }], encrypted_content: "opaque" },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "shell", arguments: '{"command":["ls"]}' },
        { type: "function_call_output", call_id: "call_1", output: "a.txt\nb.txt" },
      ],
    });
    expect(droppedTools).toEqual(["web_search", "namespace"]);
    expect(chat.messages).toEqual([
      { role: "developer", content: "You are Codex." },
      { role: "user", content: [{ type: "text", text: "list files" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "a.txt\nb.txt" },
    ]);
    expect(chat.tools!.map((t) => t.function.name)).toEqual(["shell"]);
    expect(chat).toMatchObject({ stream: true, tool_choice: "auto", parallel_tool_calls: false, stream_options: { include_usage: true } });
    expect(chat.reasoning_effort).toBeUndefined();
  });

  test("instructions lead, history follows, parallel calls join one assistant message after its text", () => {
    const history = [
      { type: "message", role: "user", content: "first" },
      { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Let me check.", annotations: [] }] },
      { id: "fc_1", type: "function_call", call_id: "c1", name: "a", arguments: "{}" },
      { id: "fc_2", type: "function_call", call_id: "c2", name: "b", arguments: "" },
    ];
    const { chat, inputItems } = responses(
      { model: "m", instructions: "Be brief", input: [{ type: "function_call_output", call_id: "c1", output: [{ type: "input_text", text: "1" }] }, { type: "function_call_output", call_id: "c2", output: "2" }] },
      false,
      history,
    );
    expect(chat.messages).toEqual([
      { role: "system", content: "Be brief" },
      { role: "user", content: "first" },
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "a", arguments: "{}" } },
          { id: "c2", type: "function", function: { name: "b", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "1" },
      { role: "tool", tool_call_id: "c2", content: "2" },
    ]);
    expect(inputItems).toHaveLength(6);
  });

  test("settings map to their chat names; effort only where the model has one", () => {
    const body = {
      model: "m",
      input: [{ role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" }] }],
      max_output_tokens: 99,
      temperature: 0.3,
      top_p: 0.8,
      reasoning: { effort: "xhigh" },
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
    };
    expect(responses(body, true).chat).toMatchObject({
      max_tokens: 99,
      temperature: 0.3,
      top_p: 0.8,
      reasoning_effort: "high",
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } }] }],
    });
    expect(responses(body, false).chat.reasoning_effort).toBeUndefined();
  });

  test.each([
    ["a forced hosted tool", { tool_choice: { type: "web_search_preview" }, tools: [{ type: "web_search_preview" }] }, "tool_choice"],
    ["a forced unknown function", { tool_choice: { type: "function", name: "nope" }, tools: [{ type: "function", name: "yes" }] }, "tool_choice.name"],
    ["an item reference", { input: [{ type: "item_reference", id: "msg_1" }, { role: "user", content: "x" }] }, "input[0].type"],
    ["only reasoning to answer", { input: [{ type: "reasoning", summary: [] }] }, "input"],
    ["a file input", { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] }, "input[0].content[0].type"],
    ["background mode", { background: true }, "background"],
    ["a function tool name with spaces", { tools: [{ type: "function", name: "two words" }] }, "tools[0].name"],
  ])("%s is a 400 naming %s", (_name, extra, param) => {
    try {
      responses({ model: "m", input: "hi", ...extra });
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).param).toBe(param);
    }
  });
});

describe("Messages → chat", () => {
  test("a Claude Code-shaped turn: system blocks, a system turn, thinking history skipped, tool results first", () => {
    const { chat, droppedTools } = messages({
      model: "grok-4",
      max_tokens: 32000,
      stream: true,
      system: [{ type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } }, { type: "text", text: "Be careful." }],
      thinking: { type: "adaptive" },
      context_management: { edits: [] },
      metadata: { user_id: "u" },
      tools: [
        { name: "Bash", description: "Run", input_schema: { type: "object", properties: { command: { type: "string" } } } },
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
      ],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: [{ type: "text", text: "run ls", cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "Running." },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
          ],
        },
        { role: "system", content: "Reminder: be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "and then?" },
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "no such dir" }], is_error: true },
          ],
        },
      ],
    });
    expect(droppedTools).toEqual(["web_search_20250305"]);
    expect(chat.messages).toEqual([
      { role: "system", content: "You are Claude Code.\nBe careful." },
      { role: "user", content: "run ls" },
      { role: "assistant", content: "Running.", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } }] },
      { role: "system", content: "Reminder: be brief." },
      { role: "tool", tool_call_id: "toolu_1", content: "Error: no such dir" },
      { role: "user", content: "and then?" },
    ]);
    expect(chat).toMatchObject({ max_tokens: 32000, stream: true, parallel_tool_calls: false });
    expect(chat.tool_choice).toBeUndefined();
    expect(chat.reasoning_effort).toBeUndefined();
  });

  test("images, stop sequences, sampling, tool_choice and the thinking budget", () => {
    const base = {
      model: "m",
      max_tokens: 10,
      stop_sequences: ["END", "STOP"],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      tools: [{ name: "f", input_schema: { type: "object" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
            { type: "text", text: "what?" },
          ],
        },
      ],
    };
    const { chat } = messages({ ...base, tool_choice: { type: "any" }, thinking: { type: "enabled", budget_tokens: 10_000 } }, true);
    expect(chat).toMatchObject({ stop: ["END", "STOP"], temperature: 0.5, top_p: 0.9, top_k: 40, tool_choice: "required", reasoning_effort: "medium" });
    expect(chat.messages[0].content).toEqual([
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } },
      { type: "image_url", image_url: { url: "https://example.com/a.jpg" } },
      { type: "text", text: "what?" },
    ]);
    expect(messages({ ...base, tool_choice: { type: "tool", name: "f" } }).chat.tool_choice).toEqual({ type: "function", function: { name: "f" } });
    expect(messages({ ...base, tool_choice: { type: "none" } }).chat.tool_choice).toBe("none");
    expect(messages({ ...base, thinking: { type: "enabled", budget_tokens: 1024 } }, true).chat.reasoning_effort).toBe("low");
    expect(messages({ ...base, thinking: { type: "enabled", budget_tokens: 1024 } }, false).chat.reasoning_effort).toBeUndefined();
  });

  test.each([
    ["max_tokens missing", { max_tokens: undefined }, "max_tokens"],
    ["a forced server tool", { tools: [{ type: "bash_20250124", name: "bash" }], tool_choice: { type: "tool", name: "bash" } }, "tool_choice.name"],
    ["a tool without input_schema", { tools: [{ name: "f" }] }, "tools.0.input_schema"],
    ["a document block", { messages: [{ role: "user", content: [{ type: "document", source: {} }] }] }, "messages.0.content.0.type"],
    ["temperature above 1", { temperature: 1.5 }, "temperature"],
    ["tool_use from the user", { messages: [{ role: "user", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] }] }, "messages.0.content.0"],
    ["an image without data", { messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png" } }] }] }, "messages.0.content.0.source.data"],
  ])("%s is a 400 naming %s", (_name, extra, param) => {
    try {
      messages({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }], ...extra });
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).param).toBe(param);
    }
  });
});
