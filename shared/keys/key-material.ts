import { createHash, randomBytes } from "node:crypto";

/** Every team key starts with this, so secret scanners and people can tell what it is. */
export const TEAM_KEY_PREFIX = "sk-oci-";

/** A freshly minted key: the secret (shown once) and what the store may keep of it. */
export interface MintedKey {
  /** The secret itself: handed to the caller once, never stored or logged. */
  key: string;
  /** SHA-256 of the key, hex: what the store keeps and requests are looked up by. */
  hash: string;
  /** `sk-oci-…` plus the last 4 characters, so admins can tell keys apart in listings. */
  hint: string;
}

/**
 * Mints a team key: `sk-oci-` + 256 random bits (base64url, 43 characters).
 *
 * A plain SHA-256 is the right hash here: the input is 256 random bits, so there is
 * nothing to brute-force and a slow password hash would only cost every request time.
 *
 * @example
 *   const { key, hash, hint } = mintTeamKey();
 *   // key  "sk-oci-Zk3…Qx1A" (give it to the user once)
 *   // hash "9f2c…"           (store this)
 */
export function mintTeamKey(): MintedKey {
  const key = TEAM_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, hash: hashTeamKey(key), hint: `${TEAM_KEY_PREFIX}…${key.slice(-4)}` };
}

/**
 * The stored form of a key (SHA-256, hex).
 *
 * @example
 *   registry.byHash.get(hashTeamKey(bearerToken))
 */
export function hashTeamKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/**
 * A new key id: `key_` + 64 random bits in hex. Ids name keys in listings, logs and metrics,
 * so they are unrelated to the secret.
 *
 * @example
 *   newKeyId() // "key_5f0c2a9e13b7d480"
 */
export function newKeyId(): string {
  return `key_${randomBytes(8).toString("hex")}`;
}
