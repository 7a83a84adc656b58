import { Fn } from "cdktf";
import { Construct } from "constructs";
import { apiKeyValue } from "../shared/api-key-value";
import type { InfraConfig } from "../shared/load-infra-config";
import { KmsKey, KmsVault, VaultSecret } from "./provider/oci-resources";

export interface ProxyVaultSecretsProps {
  compartmentId: string;
  namePrefix: string;
  config: InfraConfig;
  /** Existing Vault and AES master key; both created when unset. */
  vaultOcid?: string;
  vaultKeyOcid?: string;
  /** Secrets created out of band: account id → secret OCID. */
  accountKeySecretOcids: Record<string, string>;
  apiKeySecretOcid?: string;
}

/**
 * OCI Vault secrets for the keys of accounts that sign with an API key (the function's
 * own tenancy uses its resource principal and needs none) and for the proxy API key.
 * Functions receive secret OCIDs, never values.
 *
 * As on AWS: key files are read by Terraform at plan time (`filebase64()`), so no PEM is
 * in the synthesized JSON, but every value Terraform writes is also kept in its state.
 * Pass secret OCIDs you created yourself (ociAccountKeySecretOcids / ociApiKeySecretOcid)
 * to keep values out of state.
 */
export class ProxyVaultSecrets extends Construct {
  readonly accountKeySecretOcids: Record<string, string> = {};
  readonly apiKeySecretOcid: string;
  readonly vaultId?: string;

  constructor(scope: Construct, id: string, props: ProxyVaultSecretsProps) {
    super(scope, id);
    const pending = props.config.accounts.filter(
      (account) => account.auth === "api_key" && !props.accountKeySecretOcids[account.id] && account.keyFile,
    );
    for (const account of props.config.accounts) {
      const given = props.accountKeySecretOcids[account.id];
      if (account.auth === "api_key" && given) this.accountKeySecretOcids[account.id] = given;
    }
    const needsVault = pending.length > 0 || !props.apiKeySecretOcid;
    if (!needsVault) {
      this.apiKeySecretOcid = props.apiKeySecretOcid!;
      return;
    }

    let vaultId: string;
    let keyId: string;
    if (props.vaultOcid) {
      if (!props.vaultKeyOcid) throw new Error("ociVaultOcid is set: set ociVaultKeyOcid (an AES master key in that vault) too");
      vaultId = props.vaultOcid;
      keyId = props.vaultKeyOcid;
    } else {
      // A DEFAULT (virtual) vault and an HSM-protected AES key: both within the Always Free allowance.
      const vault = new KmsVault(this, "vault", {
        compartment_id: props.compartmentId,
        display_name: `${props.namePrefix}-vault`,
        vault_type: "DEFAULT",
      });
      const key = new KmsKey(this, "key", {
        compartment_id: props.compartmentId,
        display_name: `${props.namePrefix}-secrets-key`,
        management_endpoint: vault.managementEndpoint,
        key_shape: { algorithm: "AES", length: 32 },
        protection_mode: "HSM",
      });
      vaultId = vault.id;
      keyId = key.id;
    }
    this.vaultId = vaultId;

    const secret = (constructId: string, name: string, description: string, contentBase64: string) =>
      new VaultSecret(this, constructId, {
        compartment_id: props.compartmentId,
        vault_id: vaultId,
        key_id: keyId,
        secret_name: name,
        description,
        secret_content: { content_type: "BASE64", content: contentBase64 },
      });

    for (const account of pending) {
      const created = secret(
        `key-${account.id}`,
        `${props.namePrefix}-oci-private-key-${account.id}`,
        `OCI API signing key (PEM) of account ${account.id}`,
        Fn.filebase64(account.keyFile!),
      );
      this.accountKeySecretOcids[account.id] = created.id;
    }

    if (props.apiKeySecretOcid) {
      this.apiKeySecretOcid = props.apiKeySecretOcid;
      return;
    }
    const value = apiKeyValue(this, props.config.apiKey);
    this.apiKeySecretOcid = secret("api-key", `${props.namePrefix}-api-key`, "Proxy API key (Authorization: Bearer <key>)", Fn.base64encode(value)).id;
  }
}
