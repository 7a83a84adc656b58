import { randomUUID } from "node:crypto";
import type { Logger } from "../log/logger";
import type { SharedCounters } from "./account-stats";
import type { Clock } from "./clock";
import type { PoolMember, SharedAccountState } from "./pool-member";
import { updateRecord, type StateStore } from "../state/state-store";

export interface SharedPoolStateOptions {
  /** How long a warm instance trusts its cached view before re-reading (default 1 s). */
  cacheMs?: number;
  /** A lease not released within this long is free again (crashed holder). Default 10 min. */
  leaseTtlMs?: number;
  /** Counters are written at most this often (default 5 s), and on flush(). */
  counterFlushMs?: number;
  /** Random slots tried per lease acquisition before answering "busy". */
  leaseTries?: number;
}

/** A concurrency lease held in the store. */
export interface SharedLease {
  key: string;
}

/** The independently changing parts of an account's shared state. */
export type SharedPart = "breaker" | "health" | "cooldown";

/** Which parts differ between two views of an account. */
export function changedParts(before: SharedAccountState, after: SharedAccountState): SharedPart[] {
  const parts: SharedPart[] = [];
  if (before.breaker.state !== after.breaker.state || before.breaker.openUntil !== after.breaker.openUntil) parts.push("breaker");
  if (before.health.healthy !== after.health.healthy || before.health.reason !== after.health.reason) parts.push("health");
  if (before.cooldownUntil !== after.cooldownUntil) parts.push("cooldown");
  return parts;
}

function assignPart(target: SharedAccountState, source: SharedAccountState, part: SharedPart): void {
  if (part === "breaker") target.breaker = source.breaker;
  else if (part === "health") target.health = source.health;
  else {
    target.cooldownUntil = source.cooldownUntil;
    target.cooldownReason = source.cooldownReason;
  }
}

const accountKey = (id: string) => `account#${id}`;
const countersKey = (id: string) => `counters#${id}`;
const leaseKey = (id: string, slot: number) => `lease#${id}#${slot}`;

/**
 * Shares what serverless instances must agree on through a {@link StateStore}:
 * breaker state, health and cooldowns (one record per account, written on transitions
 * with compare-and-set and read at most once per `cacheMs`), concurrency leases (one
 * record per slot, expiring), and counters (batched increments).
 *
 * Steady state costs one store round trip per request at most: the cached read is
 * amortised, counters are batched, and only accounts with `max_concurrency` take leases.
 */
export class SharedPoolState {
  private lastRefresh = -Infinity;
  private refreshing: Promise<void> | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly counters = new Map<string, Required<SharedCounters>>();
  private lastCounterFlush: number;
  private readonly holder = randomUUID();
  private readonly cacheMs: number;
  private readonly leaseTtlMs: number;
  private readonly counterFlushMs: number;
  private readonly leaseTries: number;

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: SharedPoolStateOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 1_000;
    this.leaseTtlMs = options.leaseTtlMs ?? 600_000;
    this.counterFlushMs = options.counterFlushMs ?? 5_000;
    this.leaseTries = options.leaseTries ?? 3;
    this.lastCounterFlush = clock.now();
  }

  /** Adopts other instances' view of every account, if the cached one is stale. */
  refresh(members: readonly PoolMember[], force = false): Promise<void> {
    if (!force && this.clock.now() - this.lastRefresh < this.cacheMs) return Promise.resolve();
    this.refreshing ??= this.load(members).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Reads shared counters into the members' stats (for /stats on serverless). */
  async loadCounters(members: readonly PoolMember[]): Promise<void> {
    const records = await this.store.getMany<SharedCounters>(members.map((m) => countersKey(m.id)));
    for (const member of members) {
      const record = records.get(countersKey(member.id));
      if (record) member.stats.adoptTotals(record.value);
    }
  }

  /**
   * Takes one of the account's `max_concurrency` slots shared by all instances.
   * null: the account has no limit; undefined: no free slot found.
   */
  async acquireLease(member: PoolMember): Promise<SharedLease | null | undefined> {
    const limit = member.account.config.maxConcurrency;
    if (limit <= 0) return null;
    const now = this.clock.now();
    const first = Math.floor(Math.random() * limit);
    for (let i = 0; i < Math.min(limit, this.leaseTries); i++) {
      const key = leaseKey(member.id, (first + i) % limit);
      if (await this.store.putIfAbsentOrExpired(key, { holder: this.holder, expiresAt: now + this.leaseTtlMs }, now)) {
        return { key };
      }
    }
    return undefined;
  }

  releaseLease(lease: SharedLease): void {
    this.track(this.store.delete(lease.key), "release lease");
  }

  /**
   * Writes the parts of an account's state this instance just changed, merged into the
   * shared record (compare-and-set), so concurrent transitions of other parts survive.
   */
  publish(member: PoolMember, parts: readonly SharedPart[]): void {
    if (parts.length === 0) return;
    const mine = member.sharedState();
    this.track(
      updateRecord<SharedAccountState>(this.store, accountKey(member.id), (current) => {
        const next = { ...(current ?? mine) };
        for (const part of parts) assignPart(next, mine, part);
        return next;
      }),
      "publish account state",
    );
  }

  count(member: PoolMember, deltas: SharedCounters): void {
    let totals = this.counters.get(member.id);
    if (!totals) {
      totals = { requests: 0, successes: 0, failures: 0, rateLimited: 0, clientErrors: 0, cancelled: 0, latencyMsSum: 0 };
      this.counters.set(member.id, totals);
    }
    for (const field of Object.keys(deltas) as (keyof SharedCounters)[]) totals[field] += deltas[field] ?? 0;
    if (this.clock.now() - this.lastCounterFlush >= this.counterFlushMs) this.flushCounters();
  }

  /** Waits for every write started so far; call before a serverless invocation returns. */
  async flush(): Promise<void> {
    this.flushCounters();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async load(members: readonly PoolMember[]): Promise<void> {
    try {
      const records = await this.store.getMany<SharedAccountState>(members.map((m) => accountKey(m.id)));
      for (const member of members) {
        const record = records.get(accountKey(member.id));
        if (record) member.adoptSharedState(record.value);
      }
      this.lastRefresh = this.clock.now();
    } catch (err) {
      // An unreachable store must not take the proxy down: keep serving on the local view.
      this.logger.warn("state store read failed; using the cached view", { error: (err as Error).message });
    }
  }

  private flushCounters(): void {
    this.lastCounterFlush = this.clock.now();
    for (const [id, totals] of this.counters) {
      this.track(this.store.increment(countersKey(id), { ...totals }), "write counters");
    }
    this.counters.clear();
  }

  private track(work: Promise<unknown>, what: string): void {
    const tracked = work.catch((err: Error) => this.logger.warn(`state store: ${what} failed`, { error: err.message }));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }
}
