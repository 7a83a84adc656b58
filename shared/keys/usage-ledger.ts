import type { Logger } from "../log/logger";
import type { StateStore, VersionedRecord } from "../state/state-store";
import { emptyUsage, mergeUsage, recordUse, toKeyUsage, type KeyUsage } from "./key-usage";

/** Store record of one key's usage. */
export const usageRecord = (keyId: string): string => `keyusage#${keyId}`;

/** What this instance knows of one key's usage. */
export interface UsageView {
  /** shared + everything this instance recorded that the store may not have yet: what limits are checked against. */
  readonly usage: KeyUsage;
  /** When `usage` last caught up with the store (read or written); -Infinity: never. */
  readonly syncedAt: number;
  /** When a request last used the key here. */
  readonly lastSeenAt: number;
}

interface View extends UsageView {
  usage: KeyUsage;
  syncedAt: number;
  lastSeenAt: number;
  /** The record as last read from or written to the store, and its version. */
  shared: KeyUsage;
  version: string | undefined;
}

/**
 * Per-key usage on one instance: a view of each key's shared usage record plus the uses
 * recorded here, and the batch of uses not yet written. A flush writes each key's batch into
 * its record with compare-and-set (one write per key per flush, re-read and retried on a
 * conflict); a batch that cannot be written is kept for the next flush, so a crash loses at
 * most the current batch.
 *
 * Not safe for overlapping {@link flush}/{@link adopt} calls on the same key: its owner
 * runs store work one step at a time.
 *
 * @example
 *   ledger.record("key_1", "grok-4", now, 1, 0, 0); // admitted
 *   await ledger.flush(now);                       // written with compare-and-set
 */
export class UsageLedger {
  private readonly views = new Map<string, View>();
  private pending = new Map<string, KeyUsage>();

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly maxAttempts = 8,
  ) {}

  /** The key's view, created empty (never synced) on first use; marks the key as in use. */
  touch(keyId: string, now: number): UsageView {
    const view = this.viewOf(keyId, now);
    view.lastSeenAt = now;
    return view;
  }

  /** The key's view if this instance has one. */
  peek(keyId: string): UsageView | undefined {
    return this.views.get(keyId);
  }

  /** Adds a use to the key's view and to the batch for the next flush. */
  record(keyId: string, model: string, now: number, requests: number, promptTokens: number, completionTokens: number): void {
    const view = this.viewOf(keyId, now);
    view.lastSeenAt = now;
    recordUse(view.usage, model, now, requests, promptTokens, completionTokens);
    let batch = this.pending.get(keyId);
    if (!batch) this.pending.set(keyId, (batch = emptyUsage(now)));
    recordUse(batch, model, now, requests, promptTokens, completionTokens);
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Keys used here since `since` (the ones worth re-reading). */
  seenSince(since: number): string[] {
    const ids: string[] = [];
    for (const [id, view] of this.views) if (view.lastSeenAt >= since) ids.push(id);
    return ids;
  }

  /** Takes the current batch; the keys in it are the ones {@link flush} will write. */
  takeBatch(): Map<string, KeyUsage> {
    const batch = this.pending;
    this.pending = new Map();
    return batch;
  }

  /** Writes a batch taken with {@link takeBatch}. Never throws: what fails goes back into the next batch. */
  async flush(batch: Map<string, KeyUsage>, now: number): Promise<void> {
    await Promise.all([...batch].map(([id, delta]) => this.write(id, delta, now)));
  }

  /** Takes a record read from the store (undefined: the key has no usage yet). */
  adopt(keyId: string, record: VersionedRecord<unknown> | undefined, now: number): void {
    const view = this.viewOf(keyId, now);
    this.catchUp(view, keyId, toKeyUsage(record?.value, now), record?.version, now);
  }

  /** Forgets keys neither used nor read here since `since` that have nothing left to write. */
  forgetIdle(since: number): void {
    for (const [id, view] of this.views) {
      if (Math.max(view.lastSeenAt, view.syncedAt) < since && !this.pending.has(id)) this.views.delete(id);
    }
  }

  private viewOf(keyId: string, now: number): View {
    let view = this.views.get(keyId);
    if (!view) {
      view = { shared: emptyUsage(now), version: undefined, usage: emptyUsage(now), syncedAt: -Infinity, lastSeenAt: -Infinity };
      this.views.set(keyId, view);
    }
    return view;
  }

  /** The store's record plus what is still only here becomes the view. */
  private catchUp(view: View, keyId: string, shared: KeyUsage, version: string | undefined, now: number): void {
    view.shared = shared;
    view.version = version;
    view.usage = structuredClone(shared);
    const batch = this.pending.get(keyId);
    if (batch) mergeUsage(view.usage, batch, now);
    view.syncedAt = now;
  }

  private async write(keyId: string, delta: KeyUsage, now: number): Promise<void> {
    const view = this.viewOf(keyId, now);
    const key = usageRecord(keyId);
    let base = view.shared;
    let version = view.version;
    try {
      for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
        const next = structuredClone(base);
        mergeUsage(next, delta, now);
        const written = await this.store.compareAndSet(key, next, version);
        if (written !== undefined) return this.catchUp(view, keyId, next, written, now);
        // Another instance wrote first: start again from what it wrote.
        const current = (await this.store.getMany<unknown>([key])).get(key);
        base = toKeyUsage(current?.value, now);
        version = current?.version;
      }
      throw new Error(`kept changing under ${this.maxAttempts} attempts`);
    } catch (err) {
      // Keep the uses for the next flush; the view already counts them.
      const later = this.pending.get(keyId);
      if (later) mergeUsage(delta, later, now);
      this.pending.set(keyId, delta);
      this.logger.warn("state store: writing key usage failed; kept for the next flush", { key_id: keyId, error: (err as Error).message });
    }
  }
}
