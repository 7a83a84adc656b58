import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const FIXTURES = join(__dirname, "..", "fixtures");

/** A throwaway PEM-looking file: loadConfig only checks that key files exist and are readable. */
export const FAKE_PEM = "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n";

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
