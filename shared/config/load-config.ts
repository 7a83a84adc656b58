import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { checkIniStructure } from "./check-ini-structure";
import { ConfigError } from "./config-error";
import { generateApiKey } from "./generate-api-key";
import { parseAccount } from "./parse-account";
import { parseBreakerConfig } from "./parse-breaker-config";
import { parseIniText } from "./parse-ini-text";
import { parseModels } from "./parse-models";
import { parsePoolConfig } from "./parse-pool-config";
import { parseServerConfig } from "./parse-server-config";
import { SectionReader } from "./section-reader";
import { suggestKey } from "./suggest-key";
import type { AccountConfig, ProxyConfig } from "./types";
import { warnUnknownKeys } from "./warn-unknown-keys";
import { writeApiKey } from "./write-api-key";

export interface LoadConfigOptions {
  /** true = multi_config.conf layout ([GLOBAL], [ACCOUNT_*]); false = config.conf layout ([DEFAULT]). */
  multiAccount: boolean;
  /**
   * Serverless: the API key from a secret store. The file's api_key is then ignored and
   * the file is never written (function file systems are read-only).
   */
  apiKey?: string;
  /** Serverless: account ids whose private key comes from a secret store instead of key_file. */
  keysFromSecrets?: ReadonlySet<string>;
  /**
   * false: never write a generated API key back into the file (checks at build and synth,
   * read-only function file systems); the generated key then lives in memory only and
   * `apiKeyGenerated` is still true. Default true.
   */
  writeApiKey?: boolean;
}

/** The spec's example value, meaning "generate one for me". */
const API_KEY_PLACEHOLDER = "auto_generated_key";
/** Example keys from documentation and tutorials: anyone who read them knows these. */
const EXAMPLE_API_KEYS = new Set([
  "multi_account_proxy_key",
  "your_api_key",
  "your-api-key",
  "your_proxy_api_key",
  "your_secret_key",
  "sk-xxx",
  "sk-xxxx",
  "changeme",
  "change_me",
  "xxx",
]);
const FIXED_SECTIONS = ["DEFAULT", "GLOBAL", "MODELS", "CIRCUIT_BREAKER"];
const isAccountSection = (section: string) => section.startsWith("ACCOUNT_");

/**
 * Reads and validates the proxy's INI config (synchronously: startup only).
 *
 * Single-account files keep the account, api_key and server settings in `[DEFAULT]`
 * (`[GLOBAL]` is accepted too); multi-account files put api_key at the top, settings in
 * `[GLOBAL]` and one `[ACCOUNT_*]` section per account. Keys before the first section
 * count as `[DEFAULT]`, as in go-ini, which the original proxy used.
 *
 * When api_key is missing, empty or "auto_generated_key", a key is generated and written
 * into the file in place (`apiKeyGenerated: true`; log that, never the key). Unknown keys
 * do not fail the load but are listed in `warnings`.
 *
 * @param path As given by the user; error messages quote it this way.
 * @example
 *   const config = loadConfig("multi_config.conf", { multiAccount: true });
 *   config.accounts.map((a) => a.id) // ["primary_us_phoenix", "secondary_us_chicago", "backup_eu_frankfurt"]
 *   config.warnings // ['multi_config.conf [GLOBAL] unknown key "retry_attemps" (ignored; did you mean "retry_attempts"?)']
 * @throws ConfigError naming file, section and key.
 */
export function loadConfig(path: string, opts: LoadConfigOptions): ProxyConfig {
  const file = resolve(path);
  const mode = opts.multiAccount ? "multi" : "single";
  const warnings: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? `file not found: ${file}` : `cannot read ${file} (${code})`;
    throw new ConfigError(path, undefined, undefined, reason);
  }
  const { data, lines } = parseIniText(text);
  checkIniStructure(path, lines, mode === "multi" ? isAccountSection : () => false, warnings);

  const sections = [...new Set(lines.filter((line) => line.kind === "section").map((line) => line.section))];
  const unexpected = sections.filter((name) => !FIXED_SECTIONS.includes(name) && !(mode === "multi" && isAccountSection(name)));
  const section = (name: string) => new SectionReader(path, name, asRecord(data[name]), warnings, () => misspeltSection(name, unexpected));
  const topLevel = Object.fromEntries(Object.entries(data).filter(([, value]) => !isSection(value)));
  const rootValues = { ...topLevel, ...asRecord(data.DEFAULT) };
  const rootHint = () =>
    mode === "single" && sections.some(isAccountSection)
      ? "; this file has [ACCOUNT_*] sections: it is a multi-account config, start with -multi-account"
      : misspeltSection("DEFAULT", unexpected);
  const root = new SectionReader(path, mode === "single" ? "DEFAULT" : "", rootValues, warnings, rootHint);
  const global = section("GLOBAL");
  const breakerReader = section("CIRCUIT_BREAKER");
  const modelsReader = section("MODELS");
  const configDir = dirname(file);
  const keyFromSecret = (id: string) => opts.keysFromSecrets?.has(id) ?? false;

  const accountReaders = mode === "multi" ? sections.filter(isAccountSection).map(section) : [];
  let accounts: AccountConfig[];
  if (mode === "single") {
    accounts = [parseAccount(root, "default", configDir, keyFromSecret)];
    if (!accounts[0].enabled) throw root.error("enabled", "the only account is disabled");
  } else {
    accounts = accountReaders.map((reader) => parseAccount(reader, reader.section, configDir, keyFromSecret));
    checkAccounts(path, accounts, "user" in topLevel || "DEFAULT" in data, unexpected);
  }
  const models = parseModels(modelsReader, lines.filter((l) => l.section === "MODELS" && l.key).map((l) => l.key!));
  // Single-account files have always kept these in [DEFAULT]; [GLOBAL] works in both layouts.
  const settings = mode === "single" ? [root, global] : [global];
  const server = parseServerConfig(settings);
  const pool = parsePoolConfig(settings, mode === "multi" ? 3 : 1, models);
  const breaker = parseBreakerConfig(breakerReader);

  for (const name of sections) {
    const known = FIXED_SECTIONS.includes(name) || (mode === "multi" && isAccountSection(name));
    if (known) continue;
    const reason = isAccountSection(name)
      ? "section is only read in multi-account mode (ignored)"
      : `unknown section (ignored${hintSection(name)})`;
    warnings.push(`${ConfigError.where(path, name)} ${reason}`);
  }

  // Last, after every other check (keys, fingerprints, regions included): a config that
  // fails validation is never rewritten.
  let apiKey = opts.apiKey ?? root.string("api_key");
  let apiKeyGenerated = false;
  if (apiKey === undefined || apiKey === API_KEY_PLACEHOLDER) {
    apiKey = generateApiKey();
    if (opts.writeApiKey !== false) {
      try {
        writeApiKey(file, mode, apiKey);
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw root.error("api_key", `not set, and a generated key could not be written to ${file} (${reason}); set api_key yourself`);
      }
    }
    apiKeyGenerated = true;
  } else if (opts.apiKey === undefined && EXAMPLE_API_KEYS.has(apiKey.toLowerCase())) {
    throw root.error(
      "api_key",
      `"${apiKey}" is an example key from the documentation, so anyone could use it; ` +
        `set api_key = ${API_KEY_PLACEHOLDER} (a random key is then generated and written here) or a random key of your own`,
    );
  } else if (apiKey.length < 16) {
    root.warn("api_key", `is only ${apiKey.length} characters long; use at least 16 random characters`);
  }
  warnUnknownKeys([root, global, breakerReader, ...accountReaders], warnings);

  return { file, mode, apiKey, apiKeyGenerated, models, accounts, server, pool, breaker, warnings };
}

/** Multi-account rules across sections: at least one account, unique ids, one enabled. */
function checkAccounts(file: string, accounts: readonly AccountConfig[], looksSingle: boolean, unexpected: readonly string[]): void {
  if (accounts.length === 0) {
    const misspelt = unexpected.find((name) => /^ACC?OU?NT/i.test(name) || suggestKey(name, ["ACCOUNT_1"]) !== undefined);
    const hint = looksSingle
      ? " (this looks like a single-account config: start without multi-account mode)"
      : misspelt
        ? ` (there is a section [${misspelt}]: account sections are named [ACCOUNT_<name>])`
        : "";
    throw new ConfigError(file, undefined, undefined, `no [ACCOUNT_*] section found; multi-account mode needs at least one${hint}`);
  }
  const seen = new Map<string, string>();
  for (const account of accounts) {
    const other = seen.get(account.id);
    if (other) {
      throw new ConfigError(file, account.section, "id", `duplicate account id "${account.id}" (also used by [${other}])`);
    }
    seen.set(account.id, account.section);
  }
  if (!accounts.some((account) => account.enabled)) {
    throw new ConfigError(file, undefined, undefined, "every account has enabled = false; at least one must be enabled");
  }
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isSection(value) ? value : {};
}

/** "; did you mean [MODELS] instead of [MODEL]?" when a section the file lacks looks misspelt, else "". */
function misspeltSection(expected: string, unexpected: readonly string[]): string {
  const misspelt = unexpected.find((name) => suggestKey(name, [expected]) !== undefined);
  return misspelt ? `; did you mean [${expected}] instead of [${misspelt}]?` : "";
}

function hintSection(name: string): string {
  const underscore = name.indexOf("_");
  const candidates = [...FIXED_SECTIONS, ...(underscore > 0 ? [`ACCOUNT${name.slice(underscore)}`] : [])];
  const suggestion = suggestKey(name, candidates);
  return suggestion ? `; did you mean [${suggestion}]?` : "";
}
