import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces a file with `text` so that a reader or a crash sees the old file or the new one,
 * never part of one, and only its owner can read it (mode 0600, whatever it was before):
 * temp file in the same folder (created 0600, so no other user can open it meanwhile),
 * fsync, rename over the target, fsync the folder. The temp file is removed on failure.
 *
 * @example
 *   await writePrivateFileAtomic("/etc/ociai/config.state.json", JSON.stringify(state));
 */
export async function writePrivateFileAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o600);
  try {
    try {
      await file.chmod(0o600); // the umask may have narrowed open()'s mode: make it exactly 0600
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  try {
    // Persist the rename itself; some platforms cannot open a folder, which is fine.
    const dir = await open(dirname(path), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // best effort
  }
}
