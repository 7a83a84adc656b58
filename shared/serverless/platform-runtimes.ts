import { API_GATEWAY_STREAMING_POLICY } from "../http/keep-slow-answers-alive";
import { awsSecretsManager } from "./aws-secrets-manager";
import { ociVaultSecrets } from "./oci-vault-secrets";
import { lazyRuntime } from "./serverless-runtime";

/**
 * The runtime of a function on each cloud, built on the first invocation of a cold start.
 * The bundle's own folder holds the default config.conf (esbuild keeps `__dirname`).
 * Probe runtimes are for the functions no client calls (health-check, test-oci): they
 * sign OCI calls with the same keys but get no API key secret.
 */
const aws = (servesClients: boolean) =>
  lazyRuntime(() => ({
    env: process.env,
    bundleDir: __dirname,
    secrets: awsSecretsManager(),
    apiKeySecretVariable: "OCIAI_API_KEY_SECRET_ARN",
    servesClients,
    // API Gateway's streaming integration closes a response silent for 5 minutes.
    slowAnswers: API_GATEWAY_STREAMING_POLICY,
  }));
const oci = (servesClients: boolean) =>
  lazyRuntime(() => ({ env: process.env, bundleDir: __dirname, secrets: ociVaultSecrets(), apiKeySecretVariable: "OCIAI_API_KEY_SECRET_OCID", servesClients }));

export const awsRuntime = aws(true);
export const awsProbeRuntime = aws(false);
export const ociRuntime = oci(true);
export const ociProbeRuntime = oci(false);
