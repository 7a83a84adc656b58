import { createHash, createPublicKey, type KeyObject } from "node:crypto";

/**
 * OCI's API key fingerprint: MD5 of the DER (SubjectPublicKeyInfo) public key as
 * colon-separated lowercase hex, i.e. `openssl rsa -pubout -outform DER | openssl md5 -c`.
 * A private key gives its public half's fingerprint.
 *
 * @example
 *   keyFingerprint(readFileSync("oci_api_key.pem", "utf8")) // "12:34:56:…:ef"
 */
export function keyFingerprint(key: string | KeyObject): string {
  const der = createPublicKey(key).export({ type: "spki", format: "der" });
  return createHash("md5").update(der).digest("hex").replace(/(..)(?!$)/g, "$1:");
}
