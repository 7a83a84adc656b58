import { readFileSync } from "node:fs";
import { loadConfig } from "./load-config";
import type { ProxyConfig } from "./types";

export interface CheckConfigFileOptions {
  /** Layout of the file; default: multi-account when it has an [ACCOUNT_*] section (what the functions do). */
  multiAccount?: boolean;
  /**
   * Accounts whose private key comes from a secret store at run time, so their key_file
   * is neither required nor read here: "all" for the function bundles (the stacks store
   * every key file in a secret), or the ids given a secret out of band at synth.
   */
  keysFromSecrets?: ReadonlySet<string> | "all";
}

/**
 * Loads a config and runs every start-up check that needs no network (loadConfig checks
 * regions, keys, pass phrases and fingerprints before it would write anything), without
 * writing: what `npm run build` and `npm run synth` do before they bundle or deploy a
 * config. Principal auth is not exercised (it needs the cloud's metadata service).
 *
 * @returns The config, with its warnings.
 * @throws ConfigError naming file, section and key.
 * @example
 *   const config = checkConfigFile("multi_config.conf", { keysFromSecrets: "all" });
 *   for (const warning of config.warnings ?? []) console.warn(warning);
 */
export function checkConfigFile(path: string, opts: CheckConfigFileOptions = {}): ProxyConfig {
  return loadConfig(path, {
    multiAccount: opts.multiAccount ?? isMultiAccountFile(path),
    writeApiKey: false,
    keysFromSecrets: opts.keysFromSecrets === "all" ? new EveryAccount() : opts.keysFromSecrets,
  });
}

/**
 * Whether a config file uses the multi-account layout: functions get one bundled file and
 * decide from its sections, as does the CLI's `-multi-account` flag for the user.
 */
export function isMultiAccountFile(path: string): boolean {
  try {
    return /^\s*\[ACCOUNT_/m.test(readFileSync(path, "utf8"));
  } catch {
    return false; // loadConfig reports the missing file with its path
  }
}

/** Every account id: the bundles' keys all come from secret stores, never from key_file. */
class EveryAccount extends Set<string> {
  override has(): boolean {
    return true;
  }
}
