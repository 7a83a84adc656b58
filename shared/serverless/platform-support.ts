import { ConfigError } from "../config/config-error";
import type { AccountConfig, ProxyConfig } from "../config/types";
import { GENERATIVE_AI_REGIONS } from "../oci/inference-endpoint";

export type Platform = "aws" | "oci";

/** What each cloud's function bundles cannot run, account by account (see scripts/build.mjs). */
const RULES: Record<Platform, (account: AccountConfig) => { key: string; reason: string } | undefined> = {
  aws(account) {
    if (account.auth !== "api_key") {
      return {
        key: "auth",
        reason: `${account.auth} is an OCI identity (a function's or a VM's) that does not exist on AWS Lambda, and the AWS bundles leave the OCI SDK out; use auth = api_key with key_file`,
      };
    }
    if (!account.endpoint && !(account.region in GENERATIVE_AI_REGIONS)) {
      return {
        key: "region",
        reason: `"${account.region}" is not in the proxy's region table, and the AWS bundles leave out the OCI SDK that resolves other regions; set endpoint = https://inference.generativeai.${account.region}.oci.<realm domain>`,
      };
    }
    return undefined;
  },
  oci(account) {
    if (account.auth === "instance_principal") {
      return {
        key: "auth",
        reason: "instance_principal needs a compute instance's metadata service, which OCI Functions do not have; use resource_principal (the functions' own tenancy) or api_key",
      };
    }
    return undefined;
  },
};

/**
 * Accounts of a config that the given cloud's functions could not start with: every cold
 * start builds every account, so one of them would fail every request with a 500. Each
 * problem is one line naming file, section and key, like a config error.
 *
 * @example
 *   platformProblems(config, "aws")
 *   // ['multi_config.conf [ACCOUNT_1] auth: resource_principal is an OCI identity … use auth = api_key with key_file']
 */
export function platformProblems(config: ProxyConfig, platform: Platform, file: string = config.file): string[] {
  const problems: string[] = [];
  for (const account of config.accounts) {
    const problem = RULES[platform](account);
    if (problem) problems.push(`${ConfigError.where(file, account.section, problem.key)}: ${problem.reason}`);
  }
  return problems;
}

/**
 * Accounts whose private key is inline (key_content): the PEM is in the config that every
 * function package carries (Lambda zip, OCI image), whatever the stacks do with secrets.
 *
 * @example
 *   inlineKeyWarnings(config, "multi_config.conf")
 *   // ['multi_config.conf [ACCOUNT_3] key_content: the PEM is copied into every function package …']
 */
export function inlineKeyWarnings(config: ProxyConfig, file: string = config.file): string[] {
  return config.accounts
    .filter((account) => account.auth === "api_key" && account.keyContent !== undefined)
    .map(
      (account) =>
        `${ConfigError.where(file, account.section, "key_content")}: the PEM is copied into every function package (Lambda zip, OCI image); ` +
        "use key_file instead, and the deploy keeps the key in the secret store",
    );
}
