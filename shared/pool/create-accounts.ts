import { ConfigError } from "../config/config-error";
import type { ProxyConfig } from "../config/types";
import { KeyProblem } from "../oci/check-private-key";
import { createSigningKeySource } from "../oci/create-signing-key-source";
import { resolveInferenceEndpoint } from "../oci/inference-endpoint";
import { OciInferenceClient } from "../oci/oci-inference-client";
import { RequestSigner } from "../oci/request-signer";
import type { Account } from "./types";

/**
 * One long-lived client per account: key parsed, endpoint resolved, connections pooled.
 *
 * @throws ConfigError for a private key that arrived from a secret store and is unusable.
 */
export async function createAccounts(config: ProxyConfig): Promise<Account[]> {
  return Promise.all(
    config.accounts.map(async (accountConfig) => {
      // loadConfig checked the region (and warned about it) already.
      const { url } = resolveInferenceEndpoint(accountConfig.region, accountConfig.endpoint);
      let keySource;
      try {
        keySource = await createSigningKeySource(accountConfig);
      } catch (err) {
        if (err instanceof KeyProblem) throw new ConfigError(config.file, accountConfig.section, err.key, err.message);
        throw err;
      }
      return { config: accountConfig, client: new OciInferenceClient(url, new RequestSigner(keySource)) };
    }),
  );
}
