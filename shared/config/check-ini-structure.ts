import { ConfigError } from "./config-error";
import type { IniLine } from "./scan-ini-lines";

/**
 * Catches layout mistakes that `ini` silently "accepts": a repeated section (its keys are
 * merged, so a copy-pasted `[ACCOUNT_1]` block overrides the first account instead of
 * adding one — an error when `isAccount` says so, else a warning), a repeated key (last
 * one wins), dotted section names (`ini` nests them), and lines that are not `key = value`.
 *
 * @example
 *   checkIniStructure("multi_config.conf", scanIniLines(text), (s) => s.startsWith("ACCOUNT_"), warnings)
 * @throws ConfigError for a dotted section name or a repeated account section.
 */
export function checkIniStructure(
  file: string,
  lines: readonly IniLine[],
  isAccount: (section: string) => boolean,
  warnings: string[],
): void {
  const seen = new Map<string, number>();
  for (const line of lines) {
    const where = `${line.section}\u0000${line.key ?? ""}`;
    const first = seen.get(where);
    const at = `lines ${(first ?? 0) + 1} and ${line.index + 1}`;
    if (line.kind === "section") {
      if (line.section.includes(".")) throw new ConfigError(file, line.section, undefined, 'section names cannot contain "."');
      if (first !== undefined && isAccount(line.section)) {
        throw new ConfigError(file, line.section, undefined, `section appears twice (${at}); give each account its own section name`);
      }
      if (first !== undefined) warnings.push(`${ConfigError.where(file, line.section)} section appears twice (${at}); their keys are merged`);
    } else if (line.kind === "key" && first !== undefined) {
      warnings.push(`${ConfigError.where(file, line.section, line.key)} is set twice (${at}); the last one wins`);
    } else if (line.kind === "junk") {
      warnings.push(`${file} line ${line.index + 1}: not a "key = value" line (ignored)`);
    }
    if ((line.kind === "section" || line.kind === "key") && first === undefined) seen.set(where, line.index);
  }
}
