import { readFileSync } from "node:fs";
import { createSigningKeySource } from "../oci/create-signing-key-source";
import { resolveInferenceEndpoint } from "../oci/inference-endpoint";
import { ConfigError } from "./config-error";
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
 * Loads a config and runs every start-up check that needs no network, without writing
 * anything: what `npm run build` and `npm run synth` do before they bundle or deploy a
 * config. Beyond loadConfig's checks: each account's region resolves to an inference
 * endpoint (or sets `endpoint`), and each private key it can see parses (with its
 * pass_phrase). Principal auth is not exercised (it needs the cloud's metadata service).
 *
 * @returns The config; `warnings` also lists regions not known to offer Generative AI.
 * @throws ConfigError (or an Error of the same one-line shape) naming file, section and key.
 * @example
 *   const config = await checkConfigFile("multi_config.conf", { keysFromSecrets: "all" });
 *   for (const warning of config.warnings ?? []) console.warn(warning);
 */
export async function checkConfigFile(path: string, opts: CheckConfigFileOptions = {}): Promise<ProxyConfig> {
  const config = loadConfig(path, {
    multiAccount: opts.multiAccount ?? isMultiAccountFile(path),
    writeApiKey: false,
    keysFromSecrets: opts.keysFromSecrets === "all" ? new EveryAccount() : opts.keysFromSecrets,
  });
  const warnings = (config.warnings ??= []);
  for (const account of config.accounts) {
    try {
      const endpoint = resolveInferenceEndpoint(account.region, account.endpoint);
      if (endpoint.warning) warnings.push(`${ConfigError.where(path, account.section, "region")}: ${endpoint.warning}`);
    } catch (err) {
      throw new ConfigError(path, account.section, "region", (err as Error).message);
    }
    if (account.auth !== "api_key" || (account.keyContent === undefined && account.keyFile === undefined)) continue;
    try {
      await createSigningKeySource(account);
    } catch (err) {
      // The message already reads "[ACCOUNT_1] key_file /path: not a usable private key (…)".
      throw new Error(`${path} ${(err as Error).message}`);
    }
  }
  return config;
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
