import type { SecretSource } from "./secret-source";

/**
 * OCI Vault secrets, read with the function's resource principal (the dynamic group's
 * policy must allow `read secret-family`). Contents arrive base64-encoded.
 */
export function ociVaultSecrets(): SecretSource {
  let client: import("oci-secrets").SecretsClient | undefined;
  return {
    async get(secretId) {
      if (!client) {
        const [{ SecretsClient }, common] = await Promise.all([import("oci-secrets"), import("oci-common")]);
        const provider = await common.ResourcePrincipalAuthenticationDetailsProvider.builder();
        client = new SecretsClient({ authenticationDetailsProvider: provider });
      }
      const { secretBundle } = await client.getSecretBundle({ secretId });
      const content = secretBundle.secretBundleContent as { content?: string } | undefined;
      if (!content?.content) throw new Error(`secret ${secretId} has no content`);
      return Buffer.from(content.content, "base64").toString("utf8");
    },
  };
}
