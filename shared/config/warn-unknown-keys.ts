import { ConfigError } from "./config-error";
import type { SectionReader } from "./section-reader";
import { suggestKey } from "./suggest-key";

/**
 * Adds a warning for every key no parser asked for — usually a typo, which would
 * otherwise silently fall back to a default — with a hint: the closest known key in that
 * section, or the section where the key belongs.
 *
 * Call after all parsing, so each reader knows every key it accepts.
 *
 * @example
 *   warnUnknownKeys([globalReader, breakerReader], warnings)
 *   // 'multi_config.conf [GLOBAL] unknown key "retry_attemps" (ignored; did you mean "retry_attempts"?)'
 */
export function warnUnknownKeys(readers: readonly SectionReader[], warnings: string[]): void {
  const all = readers.map((reader) => ({ reader, ...reader.unknownKeys() }));
  for (const { reader, unknown, known } of all) {
    for (const key of unknown) {
      const suggestion = suggestKey(key, known);
      const home = all.find((other) => other.known.includes(key))?.reader.section;
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : home !== undefined
          ? `; it belongs ${describeSection(home)}`
          : "";
      warnings.push(`${ConfigError.where(reader.file, reader.section)} unknown key "${key}" (ignored${hint})`);
    }
  }
}

function describeSection(section: string): string {
  if (section === "") return "at the top of the file, before any section";
  if (section.startsWith("ACCOUNT_")) return "in an [ACCOUNT_*] section";
  return `in [${section}]`;
}
