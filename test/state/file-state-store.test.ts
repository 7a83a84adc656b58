/**
 * The CLI's file-backed store: the StateStore contract, and the file itself — atomic
 * replacement, mode 0600, survives a restart, never holds a team key in clear.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TeamKeys } from "../../shared/keys/team-keys";
import { FileStateStore, stateFileFor } from "../../shared/state/file-state-store";
import { describeStateStoreContract } from "./state-store-contract";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ociai-file-store-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `state-${n++}.json`);

describeStateStoreContract("file", async () => ({ store: await FileStateStore.open(freshPath()) }));

const settings = { name: "laptop", models: ["grok-4"], rpm: 100, tpm: null, dailyTokens: 50_000, expiresAt: null };

test("the state file sits beside the config, named after it", () => {
  expect(stateFileFor("/etc/ociai/config.conf")).toBe("/etc/ociai/config.state.json");
  expect(stateFileFor("./multi_config.conf")).toBe("multi_config.state.json");
});

test("keys and usage survive a restart; the file holds hashes, never a key", async () => {
  const path = freshPath();
  const first = new TeamKeys(await FileStateStore.open(path), { flushMs: 0 });
  const { key, report } = await first.create(settings);
  const teamKey = await first.authenticate(key);
  (await first.admit(teamKey, "grok-4")).finish({ promptTokens: 120, completionTokens: 30 });
  await first.flush();

  const text = readFileSync(path, "utf8");
  expect(text).not.toContain(key);
  expect(text).not.toContain(key.slice("sk-oci-".length, -4)); // not even most of it
  expect(text).toContain(report.key.hash);

  // A new process: a new store read from the file.
  const second = new TeamKeys(await FileStateStore.open(path), { flushMs: 0 });
  const again = await second.authenticate(key);
  expect(again).toMatchObject({ id: report.key.id, name: "laptop", rpm: 100, dailyTokens: 50_000 });
  expect((await second.get(report.key.id)).usage.total).toEqual({ requests: 1, promptTokens: 120, completionTokens: 30 });
  await second.revoke(report.key.id);
  const third = new TeamKeys(await FileStateStore.open(path));
  await expect(third.authenticate(key)).rejects.toMatchObject({ refusal: { kind: "invalid_key", why: "revoked" } });
});

test("mode 0600 whatever the umask or the old file's mode; replaced by rename, no temp files left", async () => {
  const path = freshPath();
  writeFileSync(path, JSON.stringify({ format: "ociai-proxy state", version: 1, records: {} }), { mode: 0o644 });
  chmodSync(path, 0o644);
  const oldUmask = process.umask(0o000);
  let store: FileStateStore;
  try {
    store = await FileStateStore.open(path);
  } finally {
    process.umask(oldUmask);
  }
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const inode = statSync(path).ino;
  await store.compareAndSet("k", { v: 1 }, undefined);
  expect(statSync(path).ino).not.toBe(inode); // a new file renamed over the old one, not rewritten in place
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
});

test("readers never see a partial file while many writes land", async () => {
  const path = freshPath();
  const store = await FileStateStore.open(path);
  let reads = 0;
  let writing = true;
  const reader = (async () => {
    while (writing) {
      const parsed = JSON.parse(readFileSync(path, "utf8")); // throws on a torn file
      expect(parsed.format).toBe("ociai-proxy state");
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const big = "x".repeat(20_000); // large enough that a non-atomic write would be seen half done
  await Promise.all(Array.from({ length: 200 }, (_, i) => store.increment(`counter#${i % 7}`, { n: 1 }).then(() => store.compareAndSet(`blob#${i}`, { big }, undefined))));
  writing = false;
  await reader;
  expect(reads).toBeGreaterThan(0);
  const records = JSON.parse(readFileSync(path, "utf8")).records;
  expect(Object.keys(records).filter((k) => k.startsWith("blob#"))).toHaveLength(200);
  expect([0, 1, 2, 3, 4, 5, 6].reduce((sum, i) => sum + records[`counter#${i}`].n, 0)).toBe(200);
});

test("a file that is not a state file stops the start with a line naming it; so does a folder it cannot write", async () => {
  const path = freshPath();
  writeFileSync(path, "{ not json");
  await expect(FileStateStore.open(path)).rejects.toThrow(new RegExp(`state file ${path}: not valid JSON`));
  writeFileSync(path, JSON.stringify({ some: "other file" }));
  await expect(FileStateStore.open(path)).rejects.toThrow(/not an ociai-proxy state file/);
  expect(readFileSync(path, "utf8")).toBe(JSON.stringify({ some: "other file" })); // left as it was

  if (process.getuid?.() === 0) return; // root writes anywhere
  const locked = join(dir, "locked");
  mkdirSync(locked, { mode: 0o500 });
  await expect(FileStateStore.open(join(locked, "state.json"))).rejects.toThrow(/cannot write it/);
});
