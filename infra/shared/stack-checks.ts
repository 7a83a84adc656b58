import { ConfigError } from "../../shared/config/config-error";
import { inlineKeyWarnings, platformProblems, type Platform } from "../../shared/serverless/platform-support";
import type { InfraConfig } from "./load-infra-config";
import { StackRefusedError } from "./refused-stack";

/**
 * Why a stack cannot be built from a config: accounts its functions could not start with
 * (platformProblems). undefined when it can.
 *
 * @example
 *   stackRefusal(config, "aws")?.message
 *   // 'the aws stack cannot run this config:\n  multi_config.conf [ACCOUNT_1] auth: resource_principal is …'
 */
export function stackRefusal(config: InfraConfig, stack: Platform): StackRefusedError | undefined {
  const problems = platformProblems(config.proxy, stack, config.shownPath);
  return problems.length > 0 ? new StackRefusedError(stack, problems) : undefined;
}

/**
 * Where a deploy would copy secret values in the clear: a literal api_key becomes the
 * secret's value in the synthesized stack and the Terraform state; a key_content PEM is
 * bundled into every function package. One line each, naming the key.
 */
export function secretWarnings(config: InfraConfig, opts: { createsApiKeySecret: boolean; apiKeySetting: string }): string[] {
  const warnings = [...config.warnings];
  if (opts.createsApiKeySecret && !config.apiKey.generate) {
    warnings.push(
      `${apiKeyWhere(config)}: a literal key is written into the synthesized stack (cdk.tf.json) and the Terraform state as the secret's value; ` +
        `set api_key = auto_generated_key (Terraform generates it into the secret store) or pass a secret you made (${opts.apiKeySetting})`,
    );
  }
  return [...warnings, ...inlineKeyWarnings(config.proxy, config.shownPath)];
}

/** "multi_config.conf api_key" or "config.conf [DEFAULT] api_key", as config errors name it. */
export function apiKeyWhere(config: InfraConfig): string {
  return ConfigError.where(config.shownPath, config.proxy.mode === "single" ? "DEFAULT" : undefined, "api_key");
}
