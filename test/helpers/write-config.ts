import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const TEST_MODELS: Record<string, string> = {
  "grok-4": "xai.grok-4",
  "grok-3-mini": "xai.grok-3-mini",
  "llama-3.3-70b": "meta.llama-3.3-70b-instruct",
  "command-r-plus": "cohere.command-r-plus-08-2024",
  "gpt-oss-120b": "openai.gpt-oss-120b",
  "gemini-2.5-flash": "google.gemini-2.5-flash",
};

export interface ConfigAccount {
  section: string;
  keys: Record<string, string | number | boolean>;
}

export interface ConfigSpec {
  mode: "single" | "multi";
  apiKey?: string;
  /** Extra keys for [DEFAULT] (single) or [GLOBAL] (multi). */
  settings?: Record<string, string | number | boolean>;
  models?: Record<string, string>;
  accounts: ConfigAccount[];
  breaker?: Record<string, string | number>;
}

/** Writes a config file in the spec's INI format and returns its path. */
export function writeConfig(dir: string, spec: ConfigSpec, name = spec.mode === "single" ? "config.conf" : "multi_config.conf"): string {
  const lines: string[] = [];
  const put = (keys: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(keys)) lines.push(`${k} = ${v}`);
  };
  const models = spec.models ?? TEST_MODELS;
  if (spec.mode === "single") {
    lines.push("[DEFAULT]");
    put(spec.accounts[0].keys);
    if (spec.apiKey !== undefined) lines.push(`api_key = ${spec.apiKey}`);
    put(spec.settings ?? {});
  } else {
    if (spec.apiKey !== undefined) lines.push(`api_key = ${spec.apiKey}`);
    lines.push("", "[GLOBAL]");
    put(spec.settings ?? {});
    for (const account of spec.accounts) {
      lines.push("", `[${account.section}]`);
      put(account.keys);
    }
  }
  lines.push("", "[MODELS]");
  put(models);
  if (spec.breaker) {
    lines.push("", "[CIRCUIT_BREAKER]");
    put(spec.breaker);
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
