import type { ProxyConfig } from "../config/types";
import type { Logger } from "../log/logger";
import { createSigningKeySource } from "../oci/create-signing-key-source";
import { resolveInferenceEndpoint } from "../oci/inference-endpoint";
import { OciInferenceClient } from "../oci/oci-inference-client";
import { RequestSigner } from "../oci/request-signer";
import type { Account } from "./types";

/** One long-lived client per account: key parsed, endpoint resolved, connections pooled. */
export async function createAccounts(config: ProxyConfig, logger: Logger): Promise<Account[]> {
  return Promise.all(
    config.accounts.map(async (accountConfig) => {
      let endpoint;
      try {
        endpoint = resolveInferenceEndpoint(accountConfig.region, accountConfig.endpoint);
      } catch (err) {
        throw new Error(`${config.file} [${accountConfig.section}] region: ${(err as Error).message}`);
      }
      if (endpoint.warning) logger.warn(endpoint.warning, { account: accountConfig.id });
      const signer = new RequestSigner(await createSigningKeySource(accountConfig));
      return { config: accountConfig, client: new OciInferenceClient(endpoint.url, signer) };
    }),
  );
}
