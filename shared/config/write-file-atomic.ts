import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replaces a file's content so that readers (and a crash) see either the old or the new
 * file, never half of one: write a temp file in the same folder, fsync, rename over the
 * original. Keeps the original's permission bits (and owner, where allowed); follows a
 * symlink so the link is kept and its target updated. The temp file is removed on failure.
 *
 * @example
 *   writeFileAtomic("/etc/ociai/config.conf", updatedText)
 */
export function writeFileAtomic(path: string, text: string): void {
  const target = realpathSync(path);
  const { mode, uid, gid } = statSync(target);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd = openSync(temp, "wx", mode & 0o7777);
  try {
    writeFileSync(fd, text);
    fchmodSync(fd, mode & 0o7777); // open()'s mode was filtered by the umask
    if (uid !== process.getuid?.() || gid !== process.getgid?.()) {
      try {
        fchownSync(fd, uid, gid);
      } catch {
        // Only root may give files away; an owner change is the lesser evil then.
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, target);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    // Persist the rename itself; some platforms cannot open a folder, which is fine.
    const dir = openSync(dirname(target), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort
  }
}
