import { readFileSync } from "node:fs";
import type { AccountConfig } from "../config/types";
import { checkPrivateKey } from "./check-private-key";
import type { SigningKeySource } from "./request-signer";

/**
 * Builds the key source for an account's auth mode. API keys are read and parsed here, at
 * startup, so a wrong key or pass phrase fails before the first request. The SDK (slow to
 * load) is only required for principal auth.
 */
export async function createSigningKeySource(account: AccountConfig): Promise<SigningKeySource> {
  switch (account.auth) {
    case "api_key":
      return apiKeySource(account);
    case "resource_principal": {
      const { ResourcePrincipalAuthenticationDetailsProvider } = await import("oci-common");
      return principalSource(ResourcePrincipalAuthenticationDetailsProvider.builder());
    }
    case "instance_principal": {
      const { InstancePrincipalsAuthenticationDetailsProviderBuilder } = await import("oci-common");
      return principalSource(await new InstancePrincipalsAuthenticationDetailsProviderBuilder().build());
    }
  }
}

/**
 * @throws KeyProblem when the key is not usable or not the fingerprint's (loadConfig checked
 *   keys from files already; a key from a secret store is first seen here).
 */
function apiKeySource(account: AccountConfig): SigningKeySource {
  const pem = account.keyContent ?? readFileSync(account.keyFile!, "utf8");
  const { fingerprint } = checkPrivateKey({
    pem,
    passPhrase: account.passPhrase,
    fingerprint: account.fingerprint!,
    source: account.keyFile ? "key_file" : "key_content",
    shownAs: account.keyFile ?? "the account's private key",
  });
  const keyId = `${account.tenancy}/${account.user}/${fingerprint}`;
  return { keyId: () => keyId, privateKeyPem: () => pem, passphrase: account.passPhrase };
}

interface PrincipalProvider {
  getKeyId(): Promise<string>;
  getPrivateKey(): string;
}

function principalSource(provider: PrincipalProvider): SigningKeySource {
  // getKeyId refreshes the security token (and with it the session key) when needed.
  return { keyId: () => provider.getKeyId(), privateKeyPem: () => provider.getPrivateKey() };
}
