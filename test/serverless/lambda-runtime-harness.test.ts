/**
 * The Lambda runtime harness itself: it must fail handlers the real runtime would fail,
 * or the bundle tests prove nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import {
  HTTP_INTEGRATION_CONTENT_TYPE,
  apiGatewayRestEvent,
  awslambda,
  functionUrlEvent,
  invokeBuffered,
  invokeStreaming,
  loadLambdaBundle,
  type LambdaResponseStream,
} from "../harness/lambda-runtime";

type Stream = LambdaResponseStream;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = functionUrlEvent({ method: "GET", path: "/x" });
const http = (stream: Stream, statusCode = 200, headers: Record<string, string> = { "content-type": "text/plain" }) =>
  awslambda.HttpResponseStream.from(stream, { statusCode, headers, cookies: ["a=1"] });

describe("streaming rules", () => {
  test("a well-behaved handler: prelude decoded, body after 8 NULs, incremental timings", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      const out = http(stream, 201, { "Content-Type": "text/event-stream", "x-a": "b" });
      out.write("data: 1\n\n");
      await sleep(30);
      out.write(Buffer.from("data: 2\n\n"));
      out.end();
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("success");
    expect(res.contentType).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    expect(res.statusCode).toBe(201);
    expect(res.headers).toEqual({ "content-type": "text/event-stream", "x-a": "b" });
    expect(res.cookies).toEqual(["a=1"]);
    expect(res.bodyText).toBe("data: 1\n\ndata: 2\n\n");
    expect(res.raw.toString("latin1")).toBe(JSON.stringify(res.prelude) + "\0".repeat(8) + "data: 1\n\ndata: 2\n\n");
    expect(res.writes.map((w) => w.kind)).toEqual(["prelude", "prelude", "body", "body"]);
    expect(res.bodyWrites).toHaveLength(2);
    expect(res.timing.lastBodyByteMs! - res.timing.firstBodyByteMs!).toBeGreaterThanOrEqual(25);
  });

  test("end() without a write() after HttpResponseStream.from fails (the prelude is never sent)", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      http(stream).end();
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.violations.join()).toMatch(/end\(\) without a prior write\(\)/);
  });

  test("end(chunk) is not a write(): the prelude would be skipped", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      http(stream).end("body");
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.violations.join()).toMatch(/with a chunk without a prior write/);
  });

  test("write('') counts as the first write: 204-style empty bodies are fine", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      const out = http(stream, 204, {});
      out.write("");
      out.end();
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("success");
    expect(res.statusCode).toBe(204);
    expect(res.body.length).toBe(0);
  });

  test("a handler that resolves without ending the stream fails", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      http(stream).write("partial");
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.violations).toContain("Response stream is not finished.");
  });

  test("writes after end() fail", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      const out = http(stream);
      out.write("a");
      out.end();
      out.write("late");
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.violations.join()).toMatch(/write\(\) after end\(\)/);
  });

  test("a handler that throws before writing is an error invocation", async () => {
    const handler = awslambda.streamifyResponse(async () => {
      throw new TypeError("boom");
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.error).toEqual({ errorType: "TypeError", errorMessage: "boom", afterFirstByte: false });
  });

  test("a handler that rejects after its first byte is an error invocation mid-stream", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      http(stream).write("a");
      throw new Error("late");
    });
    const res = await invokeStreaming(handler, event);
    expect(res.error).toMatchObject({ errorMessage: "late", afterFirstByte: true });
  });

  test("a non-async streaming handler is refused, like the runtime does", async () => {
    const handler = awslambda.streamifyResponse((_e: unknown, stream: Stream) => {
      stream.write("x");
      stream.end();
    });
    const res = await invokeStreaming(handler, event);
    expect(res.violations).toContain("Streaming does not support non-async handlers.");
  });

  test("HttpResponseStream.from after the first write fails", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      stream.write("x");
      http(stream);
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("error");
    expect(res.violations.join()).toMatch(/from\(\) after the first write/);
  });

  test("a handler that never settles times out", async () => {
    const handler = awslambda.streamifyResponse(() => new Promise(() => {}));
    const res = await invokeStreaming(handler, event, { timeoutMs: 50 });
    expect(res.violations.join()).toMatch(/Task timed out/);
  });

  test("a raw stream (no HttpResponseStream) is a 200 with the stream's content type", async () => {
    const handler = awslambda.streamifyResponse(async (_e: unknown, stream: Stream) => {
      stream.write({ json: true }); // objects are JSON-stringified like the runtime does
      stream.end();
    });
    const res = await invokeStreaming(handler, event);
    expect(res.status).toBe("success");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect(res.bodyText).toBe('{"json":true}');
  });
});

describe("buffered invocations", () => {
  test("the result is JSON round-tripped; callback-style handlers work", async () => {
    expect(await invokeBuffered(async () => ({ statusCode: 200, body: "x", extra: undefined, when: new Date(0) }), event)).toEqual({ statusCode: 200, body: "x", when: "1970-01-01T00:00:00.000Z" });
    expect(await invokeBuffered((_e: unknown, _c: unknown, cb: (e: unknown, r: unknown) => void) => setTimeout(() => cb(null, { ok: 1 }), 1), {})).toEqual({ ok: 1 });
  });

  test("a malformed proxy result for a REST event fails like API Gateway does", async () => {
    await expect(invokeBuffered(async () => ({ statusCode: "200", body: {} }), apiGatewayRestEvent({ method: "GET", path: "/" }))).rejects.toThrow(/Malformed Lambda proxy response/);
  });

  test("a rejected handler is an error invocation", async () => {
    await expect(invokeBuffered(async () => Promise.reject(new RangeError("nope")), {})).rejects.toThrow("RangeError: nope");
  });
});

describe("events", () => {
  test("REST (v1): stage-less path, multi-value headers and query, requestContext", () => {
    const e = apiGatewayRestEvent({ method: "post", path: "/v1/models?a=1&a=2&b=x", headers: { Authorization: "Bearer k", Accept: ["a", "b"] }, body: "{}" });
    expect(e).toMatchObject({ httpMethod: "POST", path: "/v1/models", resource: "/v1/models", pathParameters: null, body: "{}", isBase64Encoded: false });
    expect(e.headers.Authorization).toBe("Bearer k");
    expect(e.multiValueHeaders.Accept).toEqual(["a", "b"]);
    expect(e.queryStringParameters).toEqual({ a: "2", b: "x" });
    expect(e.multiValueQueryStringParameters).toEqual({ a: ["1", "2"], b: ["x"] });
    expect(e.requestContext).toMatchObject({ stage: "prod", path: "/prod/v1/models", resourcePath: "/v1/models", identity: { sourceIp: "203.0.113.7" } });
    expect(e.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const greedy = apiGatewayRestEvent({ method: "GET", path: "/stats/accounts", resource: "/stats/{proxy+}" });
    expect(greedy).toMatchObject({ resource: "/stats/{proxy+}", pathParameters: { proxy: "accounts" }, requestContext: { resourcePath: "/stats/{proxy+}" } });
  });

  test("Function URL (v2): lower-case headers, cookies split out, base64 bodies", () => {
    const e = functionUrlEvent({ method: "post", path: "/v1/chat/completions?x=1", headers: { Authorization: "Bearer k", Cookie: "a=1; b=2" }, body: "hé", base64: true });
    expect(e).toMatchObject({ version: "2.0", rawPath: "/v1/chat/completions", rawQueryString: "x=1", cookies: ["a=1", "b=2"], isBase64Encoded: true });
    expect(e.headers.authorization).toBe("Bearer k");
    expect(e.headers.cookie).toBeUndefined();
    expect(Buffer.from(e.body!, "base64").toString()).toBe("hé");
    expect(e.requestContext.http).toMatchObject({ method: "POST", path: "/v1/chat/completions", sourceIp: "203.0.113.7" });
    expect("body" in functionUrlEvent({ method: "GET", path: "/" })).toBe(false);
  });
});

describe("bundle loading", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "lambda-harness-"));
    writeFileSync(
      join(dir, "index.js"),
      [
        "let invocations = 0;",
        "const seenAtInit = { env: process.env.HARNESS_PROBE, awslambda: typeof awslambda, dirname: __dirname };",
        "exports.handler = awslambda.streamifyResponse(async (event, stream) => {",
        "  invocations++;",
        "  const out = awslambda.HttpResponseStream.from(stream, { statusCode: 200, headers: {} });",
        "  console.log('invocation', invocations);",
        "  out.write(JSON.stringify({ invocations, seenAtInit, envNow: process.env.HARNESS_PROBE }));",
        "  out.end();",
        "});",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("each load is a fresh cold instance, with env and awslambda set before init and removed after", async () => {
    const realm = vm.runInThisContext("globalThis") as Record<string, any>;
    const a = loadLambdaBundle(join(dir, "index.js"), { env: { HARNESS_PROBE: "one" } });
    const b = loadLambdaBundle(join(dir, "index.js"), { env: { HARNESS_PROBE: "one" } });
    try {
      expect(a.streaming).toBe(true);
      expect(a.initMs).toBeGreaterThan(0);
      await a.invokeStreaming(event);
      const second = JSON.parse((await a.invokeStreaming(event)).bodyText);
      const other = JSON.parse((await b.invokeStreaming(event)).bodyText);
      expect(second).toEqual({ invocations: 2, seenAtInit: { env: "one", awslambda: "object", dirname: dir }, envNow: "one" });
      expect(other.invocations).toBe(1); // module state is per instance
      expect(a.logs.map((l) => l.text)).toEqual(expect.arrayContaining(["invocation 1\n", "invocation 2\n"]));
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(realm.awslambda).toBeUndefined();
    expect(realm.process.env.HARNESS_PROBE).toBeUndefined();
  });

  test("a missing bundle says how to build it", () => {
    expect(() => loadLambdaBundle(join(dir, "nope.js"))).toThrow(/build/);
  });
});
