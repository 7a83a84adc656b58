import { createPrivateKey, type KeyObject } from "node:crypto";
import { keyFingerprint } from "./key-fingerprint";

/** A problem with an account's API signing key, and the config key the user must fix. */
export class KeyProblem extends Error {
  constructor(
    readonly key: "key_file" | "key_content" | "pass_phrase" | "fingerprint",
    reason: string,
  ) {
    super(reason);
    this.name = "KeyProblem";
  }
}

export interface PrivateKeyInput {
  pem: string;
  passPhrase?: string;
  /** The fingerprint the config gives (what the signature's keyId will carry). */
  fingerprint: string;
  /** Where the PEM came from, for messages: "key_file" or "key_content". */
  source: "key_file" | "key_content";
  /** How to name the key in messages, e.g. its path. */
  shownAs: string;
}

export interface CheckedKey {
  key: KeyObject;
  /** The fingerprint in OCI's form (lowercase, colon-separated). */
  fingerprint: string;
  /** Harmless oddities, by config key. */
  warnings: { key: "pass_phrase"; message: string }[];
}

/**
 * Checks an API signing key the way OCI will, so a wrong one stops the start-up with a
 * reason in words instead of a 401 on every call: a public key where the private one
 * belongs, an encrypted key without (or with the wrong) pass_phrase, a non-RSA key, and a
 * fingerprint that is not this key's (computed, as OCI does).
 *
 * @example
 *   checkPrivateKey({ pem, fingerprint: "aa:bb:…", source: "key_file", shownAs: "/etc/ociai/key.pem" }).fingerprint
 * @throws KeyProblem naming the config key to fix.
 */
export function checkPrivateKey({ pem, passPhrase, fingerprint, source, shownAs }: PrivateKeyInput): CheckedKey {
  const text = pem.trim();
  if (/-----BEGIN (RSA |EC )?PUBLIC KEY-----/.test(text) || /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+) /.test(text)) {
    throw new KeyProblem(
      source,
      `${shownAs} is a public key; ${source} needs the private key that goes with it (the public one is what you upload to OCI)`,
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new KeyProblem(source, `${shownAs} is not a PEM private key (expected a "-----BEGIN PRIVATE KEY-----" block)`);
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4, *ENCRYPTED/.test(text);
  if (encrypted && !passPhrase) {
    throw new KeyProblem("pass_phrase", `is missing: ${shownAs} is encrypted, so its pass phrase is needed`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, passphrase: encrypted ? passPhrase : undefined });
  } catch (err) {
    if (encrypted) throw new KeyProblem("pass_phrase", `does not decrypt ${shownAs} (wrong pass phrase)`);
    throw new KeyProblem(source, `${shownAs} could not be read as a private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new KeyProblem(source, `${shownAs} is an ${key.asymmetricKeyType?.toUpperCase()} key; OCI API signing keys are RSA`);
  }
  const actual = keyFingerprint(key);
  if (canonicalFingerprint(fingerprint) !== actual) {
    throw new KeyProblem(
      "fingerprint",
      `${fingerprint} is not the fingerprint of ${shownAs} (that is ${actual}); OCI would refuse every call (401). ` +
        "Use the fingerprint the OCI console lists for this key (Profile > API keys), or the key that belongs to this fingerprint",
    );
  }
  const warnings: CheckedKey["warnings"] = [];
  if (!encrypted && passPhrase) warnings.push({ key: "pass_phrase", message: `is set, but ${shownAs} is not encrypted (ignored)` });
  return { key, fingerprint: actual, warnings };
}

/** "AA:BB:…", "aabb…" and "aa:bb:…" are the same fingerprint; OCI writes the last. */
function canonicalFingerprint(text: string): string {
  const hex = text.trim().toLowerCase().replace(/[\s:]/g, "");
  return /^[0-9a-f]{32}$/.test(hex) ? hex.replace(/(..)(?!$)/g, "$1:") : text.trim();
}
