/**
 * The config `npm run build` puts next to every function bundle, checked first with the
 * same checks as the CLI's start-up (checkConfigFile), without keys (deployed functions
 * read each key from the secret store the stacks fill from key_file).
 */
import { readFileSync } from "node:fs";
import { checkConfigFile } from "../../shared/config/check-config-file";
import { ConfigError } from "../../shared/config/config-error";
import { setApiKeyLine } from "../../shared/config/set-api-key-line";
import { inlineKeyWarnings, platformProblems } from "../../shared/serverless/platform-support";

/** The spec's "generate one for me" value: deployed functions then need the secret store's key. */
const API_KEY_PLACEHOLDER = "auto_generated_key";

export interface BundledConfig {
  /** Text of config.conf in every bundle: the file, with a literal api_key replaced by the placeholder. */
  text: string;
  /** One line each, naming file, section and key. */
  warnings: string[];
}

/**
 * Checks a config for bundling and returns what the bundles get. A literal api_key never
 * reaches a bundle (the stacks give every client-facing function the key's secret), a
 * key_content PEM does (warned), and accounts a cloud's bundles cannot run are named.
 *
 * @param path As the user gave it: messages quote it this way.
 * @throws ConfigError (one line) on a bad value.
 * @example
 *   const { text, warnings } = await bundledConfig("multi_config.conf");
 */
export async function bundledConfig(path: string): Promise<BundledConfig> {
  const config = checkConfigFile(path, { keysFromSecrets: "all" });
  const warnings = [...(config.warnings ?? [])];
  let text = readFileSync(path, "utf8");
  if (!config.apiKeyGenerated) {
    text = setApiKeyLine(text, config.mode, API_KEY_PLACEHOLDER);
    const where = ConfigError.where(path, config.mode === "single" ? "DEFAULT" : undefined, "api_key");
    warnings.push(`${where}: a literal key; the bundles get "${API_KEY_PLACEHOLDER}" instead, and deployed functions read the key from the secret store the stacks fill with it`);
  }
  warnings.push(...inlineKeyWarnings(config, path));
  for (const platform of ["aws", "oci"] as const) {
    for (const problem of platformProblems(config, platform, path)) warnings.push(`dist/${platform} bundles cannot start with this: ${problem}`);
  }
  return { text, warnings };
}
