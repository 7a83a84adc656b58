import { decode } from "ini";
import { scanIniLines, type IniLine } from "./scan-ini-lines";

export interface ParsedIni {
  /** Top-level keys (before any header) and sections, as `ini.decode` returns them. */
  data: Record<string, unknown>;
  /** Every line, classified (see scanIniLines); the source of file order. */
  lines: IniLine[];
}

/**
 * Decodes INI text with the `ini` package after normalising section headers (see
 * scanIniLines). Values come out trimmed with inline `#`/`;` comments removed; `true`,
 * `false` and `null` come out as JS values, and a key without "=" as `true`.
 *
 * @example
 *   parseIniText("api_key = k  # c\n[MODELS]\ngrok-4 = xai.grok-4").data
 *   // { api_key: "k", MODELS: { "grok-4": "xai.grok-4" } }
 */
export function parseIniText(text: string): ParsedIni {
  const lines = scanIniLines(text);
  const data = decode(lines.map((line) => line.normalized).join("\n"));
  return { data, lines };
}
