/**
 * What the store keeps of a team key, and the settings an admin can change. Times are epoch
 * milliseconds; `null` means "no limit" / "not set", so a PATCH can clear a setting.
 */
export interface KeySettings {
  /** Who or what the key is for, shown in listings. */
  name: string;
  /** The `[MODELS]` names the key may use; null: every model. */
  models: string[] | null;
  /** Requests per sliding minute. */
  rpm: number | null;
  /** Prompt + completion tokens per sliding minute. */
  tpm: number | null;
  /** Prompt + completion tokens per UTC day. */
  dailyTokens: number | null;
  /** The key stops working at this instant. */
  expiresAt: number | null;
}

/** One key as stored: settings plus identity. Never holds the key itself. */
export interface StoredKey extends KeySettings {
  id: string;
  /** SHA-256 of the key, hex. */
  hash: string;
  /** `sk-oci-…` and the key's last 4 characters. */
  hint: string;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** Why a key is not usable right now, or "active". */
export type KeyStatus = "active" | "revoked" | "expired";

export function keyStatus(key: Pick<StoredKey, "revokedAt" | "expiresAt">, now: number): KeyStatus {
  if (key.revokedAt !== null) return "revoked";
  if (key.expiresAt !== null && now >= key.expiresAt) return "expired";
  return "active";
}
