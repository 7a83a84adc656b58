import type { StateStore, VersionedRecord } from "./state-store";

export interface MemoryStateStoreOptions {
  /**
   * Keep the stored JSON under this many bytes (UTF-16 code units, near enough): the oldest
   * records are dropped first. For stores of client data (stored responses) in a
   * long-running process; unbounded by default.
   */
  maxBytes?: number;
}

/** In-process store: the local CLI's default, and the reference the other stores are tested against. */
export class MemoryStateStore implements StateStore {
  private readonly records = new Map<string, { json: string; version: number }>();
  private nextVersion = 1;
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? Infinity;
  }

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
    this.remove(key);
  }

  async increment(key: string, deltas: Record<string, number>): Promise<void> {
    const current = this.records.get(key);
    const value: Record<string, number> = current ? JSON.parse(current.json) : {};
    for (const [field, delta] of Object.entries(deltas)) value[field] = (value[field] ?? 0) + delta;
    this.write(key, value);
  }

  private write(key: string, value: unknown): string {
    const version = this.nextVersion++;
    const json = JSON.stringify(value);
    this.remove(key);
    this.records.set(key, { json, version });
    this.bytes += json.length;
    // Map order is insertion order: the first keys are the oldest writes.
    for (const oldest of this.records.keys()) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.remove(oldest);
    }
    return String(version);
  }

  private remove(key: string): void {
    const record = this.records.get(key);
    if (record === undefined) return;
    this.bytes -= record.json.length;
    this.records.delete(key);
  }
}
