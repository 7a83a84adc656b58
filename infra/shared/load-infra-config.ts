import { isAbsolute, relative } from "node:path";
import { checkConfigFile } from "../../shared/config/check-config-file";
import type { AuthMode, ProxyConfig } from "../../shared/config/types";

/** What infra needs to know about one account; never key material. */
export interface InfraAccount {
  id: string;
  /** Section it came from, for messages. */
  section: string;
  region: string;
  auth: AuthMode;
  /** Absolute path of a key_file that exists and parses; unset when the key comes from a secret given out of band. */
  keyFile?: string;
  /** True when the PEM is inline (key_content): it then travels in the bundled config. */
  inlineKey: boolean;
  tenancy?: string;
  /** compartment_id, or the tenancy (root compartment) when unset. */
  compartmentId?: string;
  enabled: boolean;
}

export interface InfraConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The path as messages show it (relative to the working directory when inside it). */
  shownPath: string;
  /** The whole checked config, as the functions will load it. */
  proxy: ProxyConfig;
  accounts: InfraAccount[];
  healthCheckIntervalMs: number;
  /** "generate" when api_key is missing or the placeholder; otherwise the configured key. */
  apiKey: { generate: true } | { generate: false; value: string };
  /** Config warnings (unknown keys, regions not known to offer Generative AI, …). */
  warnings: string[];
}

/**
 * Loads the proxy config a stack deploys, with the same checks as the CLI's start-up
 * (checkConfigFile): a bad value stops the synth with the same one-line error. Nothing is
 * written: a placeholder api_key is reported as `generate` (Terraform makes one). Every
 * api_key account's key_file must exist and parse on this machine, since Terraform reads
 * it into the secret store at plan time, unless its key is given as a secret out of band.
 *
 * @param keySecretIds Account ids whose key secret was created out of band.
 * @example
 *   const config = await loadInfraConfig("/repo/multi_config.conf");
 *   config.accounts.map((a) => a.id) // ["primary_us_phoenix", …]
 * @throws ConfigError (one line: file [section] key: reason).
 */
export async function loadInfraConfig(file: string, keySecretIds: Iterable<string> = []): Promise<InfraConfig> {
  const shownPath = shown(file);
  const proxy = checkConfigFile(shownPath, { keysFromSecrets: new Set(keySecretIds) });
  return {
    file: proxy.file,
    shownPath,
    proxy,
    accounts: proxy.accounts.map((account) => ({
      id: account.id,
      section: account.section,
      region: account.region,
      auth: account.auth,
      keyFile: account.keyFile,
      inlineKey: account.keyContent !== undefined,
      tenancy: account.tenancy || undefined,
      compartmentId: account.compartmentId || undefined,
      enabled: account.enabled,
    })),
    healthCheckIntervalMs: proxy.pool.healthCheckIntervalMs,
    apiKey: proxy.apiKeyGenerated ? { generate: true } : { generate: false, value: proxy.apiKey },
    warnings: proxy.warnings ?? [],
  };
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
