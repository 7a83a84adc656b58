import type { StateStore, VersionedRecord } from "./state-store";

/** In-process store: the local CLI's default, and the reference the other stores are tested against. */
export class MemoryStateStore implements StateStore {
  private readonly records = new Map<string, { json: string; version: number }>();
  private nextVersion = 1;

  async getMany<T>(keys: readonly string[]): Promise<Map<string, VersionedRecord<T>>> {
    const found = new Map<string, VersionedRecord<T>>();
    for (const key of keys) {
      const record = this.records.get(key);
      // Stored as JSON so callers can never mutate what another reader sees.
      if (record) found.set(key, { value: JSON.parse(record.json) as T, version: String(record.version) });
    }
    return found;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string | undefined> {
    const current = this.records.get(key);
    if ((current === undefined) !== (expectedVersion === undefined)) return undefined;
    if (current && String(current.version) !== expectedVersion) return undefined;
    return this.write(key, value);
  }

  async putIfAbsentOrExpired<T extends { expiresAt: number }>(key: string, value: T, now: number): Promise<boolean> {
    const current = this.records.get(key);
    if (current && (JSON.parse(current.json) as { expiresAt: number }).expiresAt > now) return false;
    this.write(key, value);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }

  async increment(key: string, deltas: Record<string, number>): Promise<void> {
    const current = this.records.get(key);
    const value: Record<string, number> = current ? JSON.parse(current.json) : {};
    for (const [field, delta] of Object.entries(deltas)) value[field] = (value[field] ?? 0) + delta;
    this.write(key, value);
  }

  private write(key: string, value: unknown): string {
    const version = this.nextVersion++;
    this.records.set(key, { json: JSON.stringify(value), version });
    return String(version);
  }
}
