import { readFileSync } from "node:fs";
import { setApiKeyLine } from "./set-api-key-line";
import { writeFileAtomic } from "./write-file-atomic";

/**
 * Stores a (generated) API key in the config file in place — same lines, comments and
 * order, only the api_key line changed or added (see setApiKeyLine) — and atomically
 * (see writeFileAtomic), so an interrupted write never leaves a broken config.
 *
 * @param mode Where a missing line goes: "single" = under [DEFAULT], "multi" = top level.
 * @example
 *   writeApiKey("config.conf", "single", generateApiKey())
 */
export function writeApiKey(path: string, mode: "single" | "multi", key: string): void {
  // Written unquoted: anything INI would read differently must not get in.
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(key)) throw new Error("API key must be letters, digits and . _ ~ + / = -");
  writeFileAtomic(path, setApiKeyLine(readFileSync(path, "utf8"), mode, key));
}
