/** Where serverless functions read private keys and the API key: never env values, only references. */
export interface SecretSource {
  /** The secret's text for a reference (an AWS Secrets Manager ARN, an OCI Vault secret OCID). */
  get(reference: string): Promise<string>;
}

/** `{"account_id": "<secret ref>", ...}` from an env variable; empty when unset. */
export function parseSecretMap(json: string | undefined, variable: string): Map<string, string> {
  if (!json) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${variable} must be a JSON object mapping account id to secret reference`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${variable} must be a JSON object mapping account id to secret reference`);
  }
  const map = new Map<string, string>();
  for (const [id, ref] of Object.entries(parsed)) {
    if (typeof ref !== "string" || !ref) throw new Error(`${variable}: the secret reference for account "${id}" must be a string`);
    map.set(id, ref);
  }
  return map;
}
