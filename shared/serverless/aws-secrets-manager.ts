import type { SecretSource } from "./secret-source";

/**
 * Secrets Manager, read once per cold start (the runtime caches the results). The AWS SDK
 * comes with the Lambda runtime, so it is not bundled and only loaded here.
 */
export function awsSecretsManager(): SecretSource {
  let client: import("@aws-sdk/client-secrets-manager").SecretsManagerClient | undefined;
  return {
    async get(arn) {
      const sdk = await import("@aws-sdk/client-secrets-manager");
      client ??= new sdk.SecretsManagerClient({});
      const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
      const text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString("utf8") : undefined);
      if (!text) throw new Error(`secret ${arn} has no value`);
      return text;
    },
  };
}
