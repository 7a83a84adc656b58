/**
 * The OpenAI Agents SDK in its default mode (the Responses API, streamed and not) with a
 * function tool, pointed at the proxy by its documented client setting, against the
 * OCI simulator: the agent calls the tool, feeds the result back, and answers from it.
 */
import { Agent, run, setDefaultOpenAIKey, setTracingDisabled, tool } from "@openai/agents";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
const calls: string[] = [];

const getWeather = tool({
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
  execute: async (input) => {
    calls.push((input as { city: string }).city);
    return "sunny, 21 C";
  },
});

beforeAll(async () => {
  stack = await startStack();
  setTracingDisabled(true);
  // The documented settings: OPENAI_BASE_URL (read by the openai client the SDK builds) and a key.
  process.env.OPENAI_BASE_URL = stack.baseURL;
  setDefaultOpenAIKey(stack.apiKey);
});
afterAll(async () => {
  delete process.env.OPENAI_BASE_URL;
  await stack.close();
});
beforeEach(() => (calls.length = 0));

const agent = () => new Agent({ name: "Weather", instructions: "Answer with the weather tool.", model: "grok-4", tools: [getWeather] });

test("runs a tool turn to a final answer over /v1/responses", async () => {
  const result = await run(agent(), "What is the weather in Paris?");
  expect(calls).toEqual(["Paris"]);
  expect(result.finalOutput).toContain("Based on the tool result");
  expect(result.finalOutput).toContain("sunny, 21 C");
  // Both model calls went through the Responses front door to OCI.
  const chatRequest = stack.sims[0].lastRequest()!.body.chatRequest;
  expect(chatRequest.messages.map((m: { role: string }) => m.role)).toEqual(["SYSTEM", "USER", "ASSISTANT", "TOOL"]);
});

test("streams a tool turn to a final answer", async () => {
  const result = await run(agent(), "And in Rome?", { stream: true });
  let text = "";
  for await (const event of result.toTextStream()) text += event;
  await result.completed;
  // The simulated model fills string arguments with "Paris" whatever was asked.
  expect(calls).toEqual(["Paris"]);
  expect(result.finalOutput).toContain("Based on the tool result");
  expect(text).toBe(result.finalOutput);
});
