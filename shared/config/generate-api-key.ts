import { randomBytes } from "node:crypto";

/**
 * A fresh proxy API key: 192 random bits, base64url, with a recognisable prefix (so it
 * can be spotted by secret scanners). Contains no `#` or `;`, so it is safe unquoted in INI.
 *
 * @example
 *   generateApiKey() // "sk-oci-3q2x0Xn2VdQ1rJ4Tg1lq9aY5mM8b7kQz"
 */
export function generateApiKey(): string {
  return `sk-oci-${randomBytes(24).toString("base64url")}`;
}
