import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyFingerprint } from "../../../shared/oci/key-fingerprint";

export const FIXTURES = join(__dirname, "..", "fixtures");

/**
 * A real throwaway RSA key (loadConfig parses key files and checks the fingerprint against
 * them), made once per test file, and its OCI fingerprint.
 */
const testKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const TEST_KEY_PEM = testKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
export const TEST_KEY_PUBLIC_PEM = testKey.publicKey.export({ type: "spki", format: "pem" }).toString();
export const TEST_KEY_FINGERPRINT = keyFingerprint(testKey.privateKey);

/** TEST_KEY_PEM encrypted with `passphrase` (PKCS#8, AES-256-CBC), as `openssl genrsa -aes256` users have. */
export function encryptedTestKeyPem(passphrase: string): string {
  return testKey.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase }).toString();
}

/** The same text with every `fingerprint = …` value replaced by TEST_KEY_FINGERPRINT (for example files). */
export function withTestFingerprints(text: string): string {
  return text.replace(/^(\s*fingerprint\s*=\s*)\S+[ \t]*$/gm, `$1${TEST_KEY_FINGERPRINT}`);
}

const dirs: string[] = [];

/** A fresh folder under os.tmpdir(), removed by cleanupTmpDirs(). */
export function makeTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ociai-config-test-"));
  dirs.push(dir);
  return dir;
}

/** Writes `files` (name -> content) into `dir` and returns the path of the first one. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return join(dir, Object.keys(files)[0]);
}

export function cleanupTmpDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

type Sections = Record<string, Record<string, string>>;

/** INI text from { "": rootKeys, SECTION: keys }, in object order. */
export function renderIni(sections: Sections): string {
  const out: string[] = [];
  for (const [name, keys] of Object.entries(sections)) {
    if (name !== "") out.push(`[${name}]`);
    for (const [key, value] of Object.entries(keys)) out.push(`${key} = ${value}`);
    out.push("");
  }
  return out.join("\n");
}
