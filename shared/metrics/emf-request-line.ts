import type { LogFields } from "../log/logger";
import { isFailedStatus, roundTenth, type RequestRecord } from "./request-record";

/** CloudWatch namespace of the proxy's metrics (the dashboard reads it). */
export const EMF_NAMESPACE = "OCIAIProxy";

/** Dimension value for requests that named no configured model (CloudWatch needs ≥ 1 character). */
const NO_MODEL = "none";

/**
 * A CloudWatch Embedded Metric Format document for one request: a JSON log line that
 * CloudWatch Logs turns into metrics (Requests, Failed, Latency, TimeToFirstToken,
 * PromptTokens, CompletionTokens, UpstreamAttempts), with no API call. Published per
 * model and overall; `extra` fields (the request log's) ride along as plain members, so
 * on Lambda this can be the request's one log line.
 *
 * Cost note: every (metric, dimension values) pair is a CloudWatch custom metric, so the
 * only dimension is the configured model name.
 *
 * @example
 *   process.stdout.write(emfRequestLine({ endpoint: "/v1/chat/completions", model: "grok-4", status: 200, durationMs: 812 }));
 */
export function emfRequestLine(record: RequestRecord, extra: LogFields = {}, timestamp = Date.now()): string {
  const metrics: { Name: string; Unit: string }[] = [
    { Name: "Requests", Unit: "Count" },
    { Name: "Failed", Unit: "Count" },
    { Name: "Latency", Unit: "Milliseconds" },
  ];
  const values: Record<string, number> = { Requests: 1, Failed: isFailedStatus(record.status) ? 1 : 0, Latency: roundTenth(record.durationMs) };
  const optional: [string, number | undefined, string][] = [
    ["TimeToFirstToken", record.ttftMs, "Milliseconds"],
    ["PromptTokens", record.promptTokens, "Count"],
    ["CompletionTokens", record.completionTokens, "Count"],
    ["UpstreamAttempts", record.attempts, "Count"],
  ];
  for (const [name, value, unit] of optional) {
    if (value === undefined || !Number.isFinite(value)) continue;
    metrics.push({ Name: name, Unit: unit });
    values[name] = roundTenth(value);
  }
  const document = {
    ...extra,
    _aws: {
      Timestamp: Math.round(timestamp),
      CloudWatchMetrics: [{ Namespace: EMF_NAMESPACE, Dimensions: [["Model"], []], Metrics: metrics }],
    },
    Model: record.model || NO_MODEL,
    endpoint: record.endpoint,
    status: record.status,
    ...(record.account ? { account: record.account } : {}),
    ...values,
  };
  return JSON.stringify(document) + "\n";
}
