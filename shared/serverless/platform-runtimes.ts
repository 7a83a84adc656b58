import { awsSecretsManager } from "./aws-secrets-manager";
import { ociVaultSecrets } from "./oci-vault-secrets";
import { lazyRuntime } from "./serverless-runtime";

/**
 * The runtime of a function on each cloud, built on the first invocation of a cold start.
 * The bundle's own folder holds the default config.conf (esbuild keeps `__dirname`).
 */
export const awsRuntime = lazyRuntime(() => ({
  env: process.env,
  bundleDir: __dirname,
  secrets: awsSecretsManager(),
  apiKeySecretVariable: "OCIAI_API_KEY_SECRET_ARN",
}));

export const ociRuntime = lazyRuntime(() => ({
  env: process.env,
  bundleDir: __dirname,
  secrets: ociVaultSecrets(),
  apiKeySecretVariable: "OCIAI_API_KEY_SECRET_OCID",
}));
