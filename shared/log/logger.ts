import type { BatchedLog } from "./batched-log";
import { escapeControl } from "./escape-control";

/**
 * One-line logs, human-readable `key=value` text by default or JSON (`OCIAI_LOG_FORMAT=json`)
 * for log pipelines. Callers pass only operational fields (ids, statuses, timings): API
 * keys, tokens, prompts and completions must never be handed to a logger.
 */
export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export type LogFormat = "text" | "json";
export type LogLevel = "info" | "warn" | "error";

const SEVERITY: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

/**
 * @param write Each line as it is logged (a function), or a {@link BatchedLog} that renders
 *   and writes lines in batches.
 * @param minLevel Lines below it are dropped (`warn` silences the per-request lines).
 */
export function createLogger(
  format: LogFormat = "text",
  write: ((line: string) => void) | BatchedLog = (line) => process.stdout.write(line),
  minLevel: LogLevel = "info",
): Logger {
  const render = format === "json" ? jsonLine : textLine;
  const emit =
    typeof write === "function"
      ? (level: LogLevel, msg: string, fields?: LogFields) => write(render(level, msg, fields, Date.now()))
      : (level: LogLevel, msg: string, fields?: LogFields) => write.add(render, level, msg, fields);
  const at = (level: LogLevel) => (SEVERITY[level] < SEVERITY[minLevel] ? () => {} : (msg: string, fields?: LogFields) => emit(level, msg, fields));
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * A logger configured by `OCIAI_LOG_FORMAT` (text | json) and `OCIAI_LOG_LEVEL` (info | warn | error).
 *
 * @param write Default: each line straight to stdout (serverless, where a frozen process must
 *   not hold lines back); the CLI passes a batchedLog.
 */
export function loggerFromEnv(env: NodeJS.ProcessEnv, defaultFormat: LogFormat, write?: ((line: string) => void) | BatchedLog): Logger {
  const format = env.OCIAI_LOG_FORMAT === "json" || env.OCIAI_LOG_FORMAT === "text" ? env.OCIAI_LOG_FORMAT : defaultFormat;
  const level = env.OCIAI_LOG_LEVEL === "warn" || env.OCIAI_LOG_LEVEL === "error" ? env.OCIAI_LOG_LEVEL : "info";
  return createLogger(format, write, level);
}

function jsonLine(level: string, msg: string, fields: LogFields | undefined, time: number): string {
  return JSON.stringify({ time: isoTime(time), level, msg, ...fields }) + "\n";
}

/**
 * `time LEVEL msg key=value ...`. Messages and values may carry client text (a path, a
 * model name): control characters are escaped so that text cannot move the cursor, recolour
 * the terminal or forge a log line. JSON lines are safe already (JSON escapes them).
 */
function textLine(level: string, msg: string, fields: LogFields | undefined, time: number): string {
  let line = `${isoTime(time)} ${LEVEL_COLUMN[level as LogLevel]} ${escapeControl(msg)}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined || value === null) continue;
      // Numbers and booleans need neither quotes nor escapes.
      if (typeof value !== "string") {
        line += ` ${key}=${value}`;
        continue;
      }
      line += ` ${key}=${escapeControl(/[\s"=]/.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : value)}`;
    }
  }
  return line + "\n";
}

const LEVEL_COLUMN: Record<LogLevel, string> = { info: "INFO ", warn: "WARN ", error: "ERROR" };

let lastTime = NaN;
let lastIso = "";

/** The ISO time of `ms`; lines logged in the same millisecond share one string. */
function isoTime(ms: number): string {
  if (ms !== lastTime) {
    lastTime = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
