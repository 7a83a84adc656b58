import { updateRecord, type StateStore, type VersionedRecord } from "../state/state-store";
import { mintTeamKey, newKeyId } from "./key-material";
import type { KeySettings, StoredKey } from "./team-key";

/** The one store record that holds every key's settings (compare-and-set updated). */
export const REGISTRY_RECORD = "keys#registry";

/** The registry record's value. */
export interface RegistryValue {
  keys: StoredKey[];
}

/** A key as requests see it: its settings, and its model list as a set. */
export interface TeamKey extends Readonly<StoredKey> {
  /** null: every model. */
  readonly allowedModels: ReadonlySet<string> | null;
}

export class KeyNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No API key with id '${id}'.`);
    this.name = "KeyNotFoundError";
  }
}

export class KeyRevokedError extends Error {
  constructor(readonly id: string) {
    super(`The API key '${id}' is revoked; revoked keys cannot be changed. Create a new key instead.`);
    this.name = "KeyRevokedError";
  }
}

export class RegistryFullError extends Error {
  constructor(count: number) {
    super(`The key registry is full (${count} keys): revoke unused keys or shorten their model lists.`);
    this.name = "RegistryFullError";
  }
}

export interface KeyRegistryOptions {
  /** Revoked keys stay listed this long, then the next registry write drops them. Default 30 days. */
  revokedRetentionMs?: number;
  /**
   * Largest registry record, in bytes of JSON. Default 350 000: the record must fit one
   * DynamoDB item (400 KB), which is roughly 1 000 keys with short model lists.
   */
  maxRecordBytes?: number;
}

/**
 * Every team key's settings in one record of the state store, written with compare-and-set
 * (concurrent admins on different instances never lose each other's changes), and an
 * in-memory snapshot indexed by key hash and id for requests.
 *
 * The registry does not decide when to read the store: its owner hands it each record it
 * reads ({@link adopt}), so the registry and usage reads share one round trip.
 *
 * @example
 *   const registry = new KeyRegistry(store);
 *   registry.adopt((await store.getMany([REGISTRY_RECORD])).get(REGISTRY_RECORD));
 *   const { key, stored } = await registry.create({ name: "ci", models: ["grok-4"], rpm: 60, tpm: null, dailyTokens: null, expiresAt: null }, Date.now());
 *   registry.byHash(hashTeamKey(key)); // the TeamKey
 */
export class KeyRegistry {
  private version: string | undefined;
  private writeCount = 0;
  private hashes = new Map<string, TeamKey>();
  private ids = new Map<string, TeamKey>();
  private readonly revokedRetentionMs: number;
  private readonly maxRecordBytes: number;

  constructor(
    private readonly store: StateStore,
    options: KeyRegistryOptions = {},
  ) {
    this.revokedRetentionMs = options.revokedRetentionMs ?? 30 * 86_400_000;
    this.maxRecordBytes = options.maxRecordBytes ?? 350_000;
  }

  /**
   * The key whose SHA-256 is `hash`. No secret is compared here: the map is keyed by the
   * digest of whatever the caller sent, and timing that reveals about a digest of the
   * caller's own input says nothing about any stored key.
   */
  byHash(hash: string): TeamKey | undefined {
    return this.hashes.get(hash);
  }

  byId(id: string): TeamKey | undefined {
    return this.ids.get(id);
  }

  /** Every key, oldest first. */
  all(): TeamKey[] {
    return [...this.ids.values()];
  }

  /** Counts this instance's own writes; a read started before the latest one is out of date. */
  get writes(): number {
    return this.writeCount;
  }

  /**
   * Takes the record as read from the store (undefined: no keys yet). Cheap when unchanged.
   *
   * @param writesBeforeRead {@link writes} when the read started: if this instance wrote the
   *   registry since, the read may predate that write and is ignored.
   */
  adopt(record: VersionedRecord<RegistryValue> | undefined, writesBeforeRead = this.writeCount): void {
    if (writesBeforeRead !== this.writeCount) return;
    if (record === undefined) {
      if (this.version !== undefined || this.ids.size > 0) this.index([], undefined);
      return;
    }
    if (record.version === this.version) return;
    this.index(Array.isArray(record.value?.keys) ? record.value.keys : [], record.version);
  }

  /** Mints a key and stores its hash with `settings`. The key is returned here and never again. */
  async create(settings: KeySettings, now: number): Promise<{ key: string; stored: StoredKey }> {
    const minted = mintTeamKey();
    const stored: StoredKey = { id: newKeyId(), hash: minted.hash, hint: minted.hint, ...settings, createdAt: now, updatedAt: now, revokedAt: null };
    await this.update(now, (keys) => [...keys, stored]);
    return { key: minted.key, stored };
  }

  /** Changes some settings of a live key. */
  async patch(id: string, changes: Partial<KeySettings>, now: number): Promise<StoredKey> {
    let changed: StoredKey | undefined;
    await this.update(now, (keys) =>
      replaceKey(keys, id, (key) => {
        if (key.revokedAt !== null) throw new KeyRevokedError(id);
        return (changed = { ...key, ...changes, updatedAt: now });
      }),
    );
    return changed!;
  }

  /** Revokes a key for good; revoking a revoked key changes nothing. */
  async revoke(id: string, now: number): Promise<StoredKey> {
    let revoked: StoredKey | undefined;
    await this.update(now, (keys) =>
      replaceKey(keys, id, (key) => (revoked = key.revokedAt === null ? { ...key, revokedAt: now, updatedAt: now } : key)),
    );
    return revoked!;
  }

  /** One compare-and-set update of the record; old revoked keys are dropped on the way. */
  private async update(now: number, change: (keys: StoredKey[]) => StoredKey[]): Promise<void> {
    const value = await updateRecord<RegistryValue>(this.store, REGISTRY_RECORD, (current) => {
      const live = (current?.keys ?? []).filter((key) => key.revokedAt === null || now - key.revokedAt < this.revokedRetentionMs);
      const next = { keys: change(live) };
      if (Buffer.byteLength(JSON.stringify(next)) > this.maxRecordBytes) throw new RegistryFullError(next.keys.length);
      return next;
    });
    // Seen at once on this instance; the version is learnt at the next read.
    this.writeCount++;
    this.index(value.keys, undefined);
  }

  private index(keys: readonly StoredKey[], version: string | undefined): void {
    const hashes = new Map<string, TeamKey>();
    const ids = new Map<string, TeamKey>();
    for (const stored of keys.filter(isStoredKey).sort((a, b) => a.createdAt - b.createdAt)) {
      const key: TeamKey = Object.freeze({ ...stored, allowedModels: stored.models === null ? null : new Set(stored.models) });
      hashes.set(key.hash, key);
      ids.set(key.id, key);
    }
    this.hashes = hashes;
    this.ids = ids;
    this.version = version;
  }
}

/** `keys` with the key `id` replaced by `change(key)`; throws KeyNotFoundError (and so writes nothing) if absent. */
function replaceKey(keys: StoredKey[], id: string, change: (key: StoredKey) => StoredKey): StoredKey[] {
  const at = keys.findIndex((key) => key.id === id);
  if (at < 0) throw new KeyNotFoundError(id);
  const next = [...keys];
  next[at] = change(keys[at]);
  return next;
}

/** Skips an entry a hand edit or a future version left in a shape this code cannot use. */
function isStoredKey(value: unknown): value is StoredKey {
  const key = value as Partial<StoredKey> | null;
  return (
    typeof key === "object" && key !== null && typeof key.id === "string" && typeof key.hash === "string" && (key.models === null || Array.isArray(key.models))
  );
}
