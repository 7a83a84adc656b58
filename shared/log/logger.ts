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
 * @param minLevel Lines below it are dropped (`warn` silences the per-request lines).
 */
export function createLogger(
  format: LogFormat = "text",
  write: (line: string) => void = (line) => process.stdout.write(line),
  minLevel: LogLevel = "info",
): Logger {
  const render = format === "json" ? jsonLine : textLine;
  const at = (level: LogLevel) =>
    SEVERITY[level] < SEVERITY[minLevel] ? () => {} : (msg: string, fields?: LogFields) => write(render(level, msg, fields));
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger configured by `OCIAI_LOG_FORMAT` (text | json) and `OCIAI_LOG_LEVEL` (info | warn | error). */
export function loggerFromEnv(env: NodeJS.ProcessEnv, defaultFormat: LogFormat): Logger {
  const format = env.OCIAI_LOG_FORMAT === "json" || env.OCIAI_LOG_FORMAT === "text" ? env.OCIAI_LOG_FORMAT : defaultFormat;
  const level = env.OCIAI_LOG_LEVEL === "warn" || env.OCIAI_LOG_LEVEL === "error" ? env.OCIAI_LOG_LEVEL : "info";
  return createLogger(format, undefined, level);
}

function jsonLine(level: string, msg: string, fields?: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + "\n";
}

/**
 * `time LEVEL msg key=value ...`. Messages and values may carry client text (a path, a
 * model name): control characters are escaped so that text cannot move the cursor, recolour
 * the terminal or forge a log line. JSON lines are safe already (JSON escapes them).
 */
function textLine(level: string, msg: string, fields?: LogFields): string {
  let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${escapeControl(msg)}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined || value === null) continue;
      const text = String(value);
      line += ` ${key}=${escapeControl(/[\s"=]/.test(text) ? `"${text.replace(/["\\]/g, "\\$&")}"` : text)}`;
    }
  }
  return line + "\n";
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
