import type { LogFields } from "../log/logger";
import { isFailedStatus, roundTenth, type RequestRecord } from "./request-record";

/** The `kind` every request line carries, to find them in OCI Logging searches. */
export const OCI_REQUEST_KIND = "ociai.request";

/**
 * One request as a flat JSON line for OCI Functions: the function's stdout becomes
 * `data.message` of its OCI Logging log, where a search can select these lines by their
 * fixed `kind` and filter on the fields (see docs/observability.md for queries). Keys are
 * stable, values are numbers or configured names, never request text.
 *
 * @example
 *   process.stdout.write(ociRequestLogLine({ endpoint: "/v1/chat/completions", model: "grok-4", status: 200, durationMs: 812 }));
 *   // {"time":"…","level":"info","msg":"request","kind":"ociai.request","endpoint":"/v1/chat/completions","model":"grok-4","status":200,"failed":false,"latency_ms":812}
 */
export function ociRequestLogLine(record: RequestRecord, extra: LogFields = {}, now = new Date()): string {
  const line: Record<string, string | number | boolean | null | undefined> = {
    time: now.toISOString(),
    level: record.status >= 500 ? "error" : "info",
    msg: "request",
    ...extra,
    kind: OCI_REQUEST_KIND,
    endpoint: record.endpoint,
    model: record.model,
    account: record.account,
    status: record.status,
    failed: isFailedStatus(record.status),
    latency_ms: roundTenth(record.durationMs),
    ttft_ms: record.ttftMs === undefined ? undefined : roundTenth(record.ttftMs),
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    attempts: record.attempts,
  };
  return JSON.stringify(line) + "\n";
}
