/**
 * Where serverless instances share pool state (breakers, health, cooldowns, counters,
 * concurrency leases). A small versioned key-value contract that DynamoDB (conditional
 * writes), OCI Object Storage (ETag If-Match / If-None-Match) and memory all implement.
 *
 * Values are JSON-serialisable objects. Versions are opaque strings.
 */
export interface VersionedRecord<T> {
  value: T;
  version: string;
}

export interface StateStore {
  /** Reads several records in one round trip where the backend allows; absent keys are left out. */
  getMany<T>(keys: readonly string[]): Promise<Map<string, VersionedRecord<T>>>;

  /**
   * Writes `value` only if the record is still at `expectedVersion` (undefined: only if it
   * does not exist). Returns the new version, or undefined when someone else wrote first.
   */
  compareAndSet<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string | undefined>;

  /**
   * Creates the record, or replaces it if its `expiresAt` (epoch ms) has passed; false if a
   * live record exists. Concurrency leases are built on this: a crashed holder's lease
   * simply expires.
   */
  putIfAbsentOrExpired<T extends { expiresAt: number }>(key: string, value: T, now: number): Promise<boolean>;

  delete(key: string): Promise<void>;

  /** Adds to numeric fields of a record (created when absent), atomically. */
  increment(key: string, deltas: Record<string, number>): Promise<void>;
}

/** Retries a read-modify-write until it lands: how every store user avoids lost updates. */
export async function updateRecord<T>(
  store: StateStore,
  key: string,
  update: (current: T | undefined) => T,
  maxAttempts = 8,
): Promise<T> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = (await store.getMany<T>([key])).get(key);
    const next = update(current?.value);
    if ((await store.compareAndSet(key, next, current?.version)) !== undefined) return next;
  }
  throw new Error(`state store: ${key} kept changing under ${maxAttempts} attempts to update it`);
}
