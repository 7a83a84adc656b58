/** POST /v1/embeddings through the official openai client, against OCI's embedText. */
import OpenAI from "openai";
import { startStack, type Stack } from "../helpers/stack";
import { TEST_MODELS } from "../helpers/write-config";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ models: { ...TEST_MODELS, "embed-english": "cohere.embed-english-v3.0" } });
});
afterAll(() => stack.close());
beforeEach(() => stack.sims[0].resetStats());

test("one text becomes one embedding, sent to OCI as embedText with the mapped model", async () => {
  const result = await stack.client().embeddings.create({ model: "embed-english", input: "hello world" });
  expect(result.object).toBe("list");
  expect(result.model).toBe("embed-english");
  expect(result.data).toHaveLength(1);
  expect(result.data[0].embedding.length).toBeGreaterThan(100);
  expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  const sent = stack.sims[0].lastRequest()!;
  expect(sent.path).toBe("/20231130/actions/embedText");
  expect(sent.body).toMatchObject({ inputs: ["hello world"], servingMode: { servingType: "ON_DEMAND", modelId: "cohere.embed-english-v3.0" } });
});

test("200 inputs go out as three batches of at most 96 and come back in order", async () => {
  const input = Array.from({ length: 200 }, (_, i) => `text number ${i}`);
  const result = await stack.client().embeddings.create({ model: "embed-english", input });
  expect(result.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
  expect(stack.sims[0].stats().byPath["/20231130/actions/embedText"]).toBe(3);
  // Same text, same vector: item 150 is the embedding of input 150, not of another batch's.
  const single = await stack.client().embeddings.create({ model: "embed-english", input: input[150] });
  expect(result.data[150].embedding).toEqual(single.data[0].embedding);
});

test("base64 encoding decodes to the same float vector", async () => {
  const [floats, b64] = await Promise.all([
    stack.client().embeddings.create({ model: "embed-english", input: "same" }),
    fetch(`${stack.baseURL}/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "embed-english", input: "same", encoding_format: "base64" }),
    }).then((r) => r.json()),
  ]);
  const bytes = Buffer.from(b64.data[0].embedding, "base64");
  const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
  expect(decoded).toHaveLength(floats.data[0].embedding.length);
  decoded.forEach((v, i) => expect(v).toBeCloseTo(floats.data[0].embedding[i], 5));
});

test.each([
  [{ model: "embed-english" }, "input"],
  [{ model: "embed-english", input: [] }, "input"],
  [{ model: "embed-english", input: [[1, 2, 3]] }, "input[0]"],
  [{ model: "embed-english", input: ["a", ""] }, "input[1]"],
  [{ model: "embed-english", input: "a", dimensions: 256 }, "dimensions"],
  [{ model: "embed-english", input: "a", encoding_format: "int8" }, "encoding_format"],
])("bad request %j is a 400 naming %s", async (body, param) => {
  const res = await fetch(`${stack.baseURL}/embeddings`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error.param).toBe(param);
});

test("a chat model used for embeddings is refused by the proxy (400, naming the chat endpoint) without calling OCI", async () => {
  const failure = stack.client().embeddings.create({ model: "grok-4", input: "x" });
  await expect(failure).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  await expect(failure).rejects.toMatchObject({ status: 400, code: "model_not_supported", param: "model" });
  expect(stack.sims[0].stats().requests).toBe(0);
});

test("an embeddings-only config is checked with embedText (a chat with an embedding model would 404)", async () => {
  const own = await startStack({ models: { "embed-english": "cohere.embed-english-v3.0" } });
  try {
    const res = await fetch(`${own.proxy.url}/test-oci`, { headers: { authorization: `Bearer ${own.apiKey}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).accounts[0]).toMatchObject({ ok: true, model: "cohere.embed-english-v3.0" });
    expect(own.sims[0].lastRequest()!.path).toBe("/20231130/actions/embedText");
  } finally {
    await own.close();
  }
});
