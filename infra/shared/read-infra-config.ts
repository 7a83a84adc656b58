import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseDuration } from "../../shared/config/parse-duration";
import { parseIniText } from "../../shared/config/parse-ini-text";

/** The spec's "generate one for me" value (same as the runtime's loader). */
const API_KEY_PLACEHOLDER = "auto_generated_key";
const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 30_000;

export type InfraAuthMode = "api_key" | "resource_principal" | "instance_principal";

/** What infra needs to know about one account; never key material. */
export interface InfraAccount {
  id: string;
  region: string;
  auth: InfraAuthMode;
  /** Absolute path of key_file (not checked: the file is read by Terraform at plan time). */
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
  mode: "single" | "multi";
  accounts: InfraAccount[];
  healthCheckIntervalMs: number;
  /** "generate" when api_key is missing or the placeholder; otherwise the configured key. */
  apiKey: { generate: true } | { generate: false; value: string };
  /** cors_origins, split; ["*"] by default. */
  corsOrigins: string[];
}

/**
 * Reads the proxy's INI config for infrastructure purposes only: account ids, regions and
 * auth modes, key file paths, health_check_interval, cors_origins and whether api_key is
 * left to be generated. Unlike the runtime's loadConfig it has no side effects: it never
 * checks that key files exist (they may live on the deployer's machine only, and tests
 * synthesize without them) and never writes a generated api_key back into the file.
 * Parsing goes through the runtime's own INI reader, so both agree on what a line means.
 *
 * @example
 *   readInfraConfig("config/multi_config.conf").accounts.map((a) => a.id)
 *   // ["primary_us_phoenix", "secondary_us_chicago", "backup_eu_frankfurt"]
 * @throws Error naming the file when it cannot be read or has no usable account.
 */
export function readInfraConfig(path: string): InfraConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${path}: cannot read the proxy config (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const { data, lines } = parseIniText(text);
  const sections = [...new Set(lines.filter((line) => line.kind === "section").map((line) => line.section))];
  const accountSections = sections.filter((name) => name.startsWith("ACCOUNT_"));
  const mode = accountSections.length > 0 ? "multi" : "single";
  const topLevel = Object.fromEntries(Object.entries(data).filter(([, value]) => !isSection(value)));
  const root = { ...topLevel, ...asRecord(data.DEFAULT) };
  const global = asRecord(data.GLOBAL);
  // Single-account files keep settings in [DEFAULT]; [GLOBAL] works in both layouts.
  const settings = mode === "single" ? { ...root, ...global } : global;
  const configDir = dirname(file);

  const accounts =
    mode === "multi"
      ? accountSections.map((section) => readAccount(path, section, asRecord(data[section]), configDir))
      : [readAccount(path, "DEFAULT", root, configDir, "default")];
  const seen = new Set<string>();
  for (const account of accounts) {
    if (seen.has(account.id)) throw new Error(`${path}: duplicate account id "${account.id}"`);
    seen.add(account.id);
  }

  const apiKeyText = str(root.api_key);
  const interval = str(settings.health_check_interval);
  return {
    file,
    mode,
    accounts,
    healthCheckIntervalMs: interval ? parseSetting(path, "health_check_interval", interval) : DEFAULT_HEALTH_CHECK_INTERVAL_MS,
    apiKey: apiKeyText === undefined || apiKeyText === API_KEY_PLACEHOLDER ? { generate: true } : { generate: false, value: apiKeyText },
    corsOrigins: (str(settings.cors_origins) ?? "*").split(",").map((item) => item.trim()).filter(Boolean),
  };
}

function readAccount(path: string, section: string, values: Record<string, unknown>, configDir: string, defaultId = section): InfraAccount {
  const where = `${path} [${section}]`;
  const id = str(values.id) ?? defaultId;
  const region = str(values.region);
  if (!region) throw new Error(`${where} region is required`);
  const auth = (str(values.auth) ?? "api_key").toLowerCase();
  if (auth !== "api_key" && auth !== "resource_principal" && auth !== "instance_principal") {
    throw new Error(`${where} auth must be api_key, resource_principal or instance_principal, got "${auth}"`);
  }
  const tenancy = str(values.tenancy);
  const keyFileText = auth === "api_key" ? str(values.key_file) : undefined;
  return {
    id,
    region,
    auth,
    keyFile: keyFileText ? resolveKeyPath(keyFileText, configDir) : undefined,
    inlineKey: auth === "api_key" && str(values.key_content) !== undefined,
    tenancy,
    compartmentId: str(values.compartment_id) ?? tenancy,
    enabled: str(values.enabled)?.toLowerCase() !== "false",
  };
}

/** Same rule as the runtime: relative to the config file's folder, "~/" is home. */
function resolveKeyPath(text: string, configDir: string): string {
  const expanded = text === "~" || text.startsWith("~/") ? join(homedir(), text.slice(1)) : text;
  return isAbsolute(expanded) ? expanded : resolve(configDir, expanded);
}

function parseSetting(path: string, key: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new Error(`${path} [GLOBAL] ${key}: ${(err as Error).message}`);
  }
}

/** `ini` yields strings, booleans (true/false/null) and arrays; infra wants trimmed text. */
function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : text;
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isSection(value) ? value : {};
}
