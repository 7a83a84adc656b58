import type { LogFields, Logger } from "../log/logger";
import { emfRequestLine } from "./emf-request-line";
import { ociRequestLogLine } from "./oci-log-line";
import type { RequestRecord } from "./request-record";

/**
 * How each request's one line is written: the logger's `request` line (CLI: text or JSON),
 * a CloudWatch EMF document (Lambda: the line is also the metrics), or a flat JSON line with
 * a fixed `kind` (OCI Functions: OCI Logging searches on it).
 */
export type RequestLineFormat = "log" | "emf" | "oci";

export interface RequestLineWriter {
  /** Whether `write` uses the record (else the request log skips building it). */
  readonly wantsRecord: boolean;
  /**
   * @param record present for API requests (chat, embeddings, responses, messages) when
   *   `wantsRecord`; other routes (models, stats) are plain log lines everywhere.
   */
  write(level: "info" | "error", fields: LogFields, record: RequestRecord | undefined): void;
}

/**
 * @example
 *   const lines = requestLineWriter("emf", logger); // on Lambda
 *   lines.write("info", { method: "POST", path: "/v1/chat/completions" }, record);
 */
export function requestLineWriter(format: RequestLineFormat, logger: Logger, out: (line: string) => void = (line) => process.stdout.write(line)): RequestLineWriter {
  const asLog = (level: "info" | "error", fields: LogFields) => logger[level]("request", fields);
  if (format === "log") return { wantsRecord: false, write: asLog };
  const render = format === "emf" ? emfRequestLine : ociRequestLogLine;
  return {
    wantsRecord: true,
    // These lines carry the serverless metrics, so OCIAI_LOG_LEVEL does not drop them.
    write: (level, fields, record) => (record ? out(render(record, { level, msg: "request", ...fields })) : asLog(level, fields)),
  };
}
