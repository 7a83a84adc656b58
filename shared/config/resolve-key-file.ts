import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/**
 * Resolves `key_file` to an absolute path and checks, at startup rather than on the first
 * request, that it is a readable file. Relative paths are relative to the config file's
 * folder (not the working directory, which depends on how the proxy was started); `~/`
 * is the home folder, as in ~/.oci/config.
 *
 * @example
 *   resolveKeyFile("./1.pem", "/etc/ociai") // "/etc/ociai/1.pem" (if it exists)
 *   resolveKeyFile("~/.oci/key.pem", "/etc/ociai") // "/home/me/.oci/key.pem"
 * @throws Error naming the resolved path when the file is missing or unreadable.
 */
export function resolveKeyFile(text: string, configDir: string): string {
  const expanded = text === "~" || text.startsWith("~/") ? join(homedir(), text.slice(1)) : text;
  const path = isAbsolute(expanded) ? expanded : resolve(configDir, expanded);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new Error(`file not found: ${path}`);
  }
  if (!isFile) throw new Error(`not a file: ${path}`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new Error(`file is not readable: ${path}`);
  }
  return path;
}
