/**
 * Serverless metric lines: CloudWatch EMF documents validated against the specification's
 * published JSON schema and its prose rules; OCI Functions lines are flat JSON with stable keys.
 */
import { EMF_NAMESPACE, emfRequestLine } from "../../shared/metrics/emf-request-line";
import { OCI_REQUEST_KIND, ociRequestLogLine } from "../../shared/metrics/oci-log-line";
import type { RequestRecord } from "../../shared/metrics/request-record";
import { emfProblems } from "../helpers/emf";

const streamed: RequestRecord = {
  endpoint: "/v1/chat/completions",
  model: "grok-4",
  account: "acct2",
  status: 200,
  durationMs: 812.34,
  ttftMs: 140.06,
  promptTokens: 12,
  completionTokens: 48,
  attempts: 2,
};

test.each([
  ["a streamed chat with usage", streamed],
  ["a 429 answer with no model configured", { endpoint: "/v1/chat/completions", model: "", status: 429, durationMs: 2 } as RequestRecord],
  ["an embeddings call", { endpoint: "/v1/embeddings", model: "embed-english", account: "acct1", status: 200, durationMs: 95, promptTokens: 30, attempts: 1 } as RequestRecord],
])("EMF line for %s: one JSON line, valid against the EMF schema and rules", (_name, record) => {
  const line = emfRequestLine(record, { msg: "request", method: "POST" }, 1_764_000_000_123.4);
  expect(line.endsWith("\n")).toBe(true);
  expect(line.indexOf("\n")).toBe(line.length - 1);
  const doc = JSON.parse(line);
  expect(emfProblems(doc)).toEqual([]);
  expect(doc._aws.Timestamp).toBe(1_764_000_000_123);
  expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe(EMF_NAMESPACE);
  expect(doc).toMatchObject({ msg: "request", method: "POST", Requests: 1 });
});

test("EMF values: latency and time to first token in ms, tokens and attempts as counts, Failed for 429/5xx, per model and overall", () => {
  const doc = JSON.parse(emfRequestLine(streamed));
  const directive = doc._aws.CloudWatchMetrics[0];
  expect(directive.Dimensions).toEqual([["Model"], []]);
  expect(Object.fromEntries(directive.Metrics.map((m: any) => [m.Name, m.Unit]))).toEqual({
    Requests: "Count",
    Failed: "Count",
    Latency: "Milliseconds",
    TimeToFirstToken: "Milliseconds",
    PromptTokens: "Count",
    CompletionTokens: "Count",
    UpstreamAttempts: "Count",
  });
  expect(doc).toMatchObject({ Model: "grok-4", Requests: 1, Failed: 0, Latency: 812.3, TimeToFirstToken: 140.1, PromptTokens: 12, CompletionTokens: 48, UpstreamAttempts: 2 });

  const rejected = JSON.parse(emfRequestLine({ endpoint: "/v1/chat/completions", model: "", status: 503, durationMs: 1 }));
  expect(rejected).toMatchObject({ Model: "none", Failed: 1 });
  expect(rejected._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name)).toEqual(["Requests", "Failed", "Latency"]);
  expect(JSON.parse(emfRequestLine({ ...streamed, status: 400 })).Failed).toBe(0);
});

test("a document breaking the specification is caught by the same checks", () => {
  const doc = JSON.parse(emfRequestLine(streamed));
  delete doc.Model;
  doc.Latency = "812";
  expect(emfProblems(doc)).toEqual(["dimension target Model is not a non-empty string", "metric target Latency is not numeric"]);
  doc._aws.CloudWatchMetrics[0].Metrics.push({ Name: "X", Unit: "Furlongs" });
  expect(emfProblems(doc).filter((p) => p.startsWith("schema:")).length).toBeGreaterThan(0);
});

test("OCI Functions line: flat JSON with a fixed kind, configured names and numbers only", () => {
  const line = ociRequestLogLine(streamed, { method: "POST", path: "/v1/chat/completions" }, new Date("2026-01-02T03:04:05.678Z"));
  expect(line.indexOf("\n")).toBe(line.length - 1);
  const doc = JSON.parse(line);
  expect(doc).toEqual({
    time: "2026-01-02T03:04:05.678Z",
    level: "info",
    msg: "request",
    method: "POST",
    path: "/v1/chat/completions",
    kind: OCI_REQUEST_KIND,
    endpoint: "/v1/chat/completions",
    model: "grok-4",
    account: "acct2",
    status: 200,
    failed: false,
    latency_ms: 812.3,
    ttft_ms: 140.1,
    prompt_tokens: 12,
    completion_tokens: 48,
    attempts: 2,
  });
  for (const value of Object.values(doc)) expect(typeof value === "object").toBe(false);
  expect(JSON.parse(ociRequestLogLine({ endpoint: "/v1/chat/completions", model: "", status: 502, durationMs: 3 }))).toMatchObject({ level: "error", failed: true, model: "" });
});

test("a team key's id rides in both lines as a plain field, never as a CloudWatch dimension", () => {
  const fields = { method: "POST", key_id: "key_5f0c2a9e13b7d480" };
  const emf = JSON.parse(emfRequestLine(streamed, fields));
  expect(emf.key_id).toBe("key_5f0c2a9e13b7d480");
  expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([["Model"], []]);
  expect(emfProblems(emf)).toEqual([]);
  expect(JSON.parse(ociRequestLogLine(streamed, fields)).key_id).toBe("key_5f0c2a9e13b7d480");
});
