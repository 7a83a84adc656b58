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

export function createLogger(
  format: LogFormat = "text",
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const render = format === "json" ? jsonLine : textLine;
  const at = (level: string) => (msg: string, fields?: LogFields) => write(render(level, msg, fields));
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

function jsonLine(level: string, msg: string, fields?: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + "\n";
}

function textLine(level: string, msg: string, fields?: LogFields): string {
  let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined || value === null) continue;
      const text = String(value);
      line += ` ${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    }
  }
  return line + "\n";
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
