import { generateKeyPairSync, randomBytes } from "node:crypto";
import { keyFingerprint } from "../../shared/oci/key-fingerprint";

/** An OCI API-key identity the simulator accepts. keyId = `${tenancy}/${user}/${fingerprint}`. */
export interface SimulatorAccount {
  tenancy: string;
  user: string;
  fingerprint: string;
  publicKeyPem: string;
}

export interface TestAccountOverrides {
  tenancy?: string;
  user?: string;
  /** Use a fingerprint other than the key's real one (the simulator only compares keyIds). */
  fingerprint?: string;
}

export { keyFingerprint };

/**
 * A fresh RSA-2048 key pair and the matching account (fake tenancy and user OCIDs).
 * @example
 * const { account, privateKeyPem } = generateTestAccount();
 * const sim = await startSimulator({ accounts: [account] });
 */
export function generateTestAccount(overrides: TestAccountOverrides = {}): {
  account: SimulatorAccount;
  privateKeyPem: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const tag = randomBytes(12).toString("hex");
  return {
    account: {
      tenancy: overrides.tenancy ?? `ocid1.tenancy.oc1..aaaaaaaasim${tag}`,
      user: overrides.user ?? `ocid1.user.oc1..aaaaaaaasim${tag}`,
      fingerprint: overrides.fingerprint ?? keyFingerprint(publicKey),
      publicKeyPem: publicKey,
    },
    privateKeyPem: privateKey,
  };
}

export function keyIdOf(account: Pick<SimulatorAccount, "tenancy" | "user" | "fingerprint">): string {
  return `${account.tenancy}/${account.user}/${account.fingerprint}`;
}
