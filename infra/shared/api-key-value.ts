import { Password } from "@cdktf/provider-random/lib/password";
import type { Construct } from "constructs";
import type { InfraConfig } from "./load-infra-config";

/**
 * The proxy API key to store in the cloud's secret store: the config's own, or (for the
 * `auto_generated_key` placeholder) one made by the random provider, shaped like the
 * runtime's generated keys (sk-oci-…, no characters INI would mangle).
 */
export function apiKeyValue(scope: Construct, apiKey: InfraConfig["apiKey"]): string {
  if (!apiKey.generate) return apiKey.value;
  const password = new Password(scope, "api-key-random", { length: 40, special: false });
  return `sk-oci-${password.result}`;
}
