import { silentLogger, type Logger } from "../log/logger";
import { systemClock, type Clock } from "../pool/clock";
import type { StateStore, VersionedRecord } from "../state/state-store";
import { checkAdmission, hasUsageLimits } from "./check-admission";
import { hashTeamKey, TEAM_KEY_PREFIX } from "./key-material";
import { KeyNotFoundError, KeyRegistry, REGISTRY_RECORD, type KeyRegistryOptions, type RegistryValue, type TeamKey } from "./key-registry";
import { KeyRefusedError } from "./key-refusal";
import { emptyUsage, WINDOW_MS, type KeyUsage } from "./key-usage";
import { keyStatus, type KeySettings, type KeyStatus } from "./team-key";
import { usageRecord, UsageLedger } from "./usage-ledger";

export interface TeamKeysOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * How long this instance trusts its cached keys and usage (`OCIAI_STATE_CACHE_MS`, default
   * 1000): a key created, changed or revoked elsewhere takes effect here within this long.
   */
  cacheMs?: number;
  /** Recorded usage is written at most this long after it happened (default cacheMs / 2); 0: only by flush(). */
  flushMs?: number;
  registry?: KeyRegistryOptions;
}

/** Tokens of one answer, from OCI's usage. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** An admitted request. Call {@link finish} once when its answer ends, with OCI's usage if there was any. */
export interface Admission {
  readonly key: TeamKey;
  readonly model: string;
  finish(usage?: TokenUsage): void;
}

/** A key with its status and usage, for the admin API and /stats/keys. */
export interface KeyReport {
  key: TeamKey;
  status: KeyStatus;
  usage: KeyUsage;
}

/** The state store could not be read for an admin request. */
export class KeyStoreUnavailableError extends Error {
  constructor() {
    super("The state store holding the keys cannot be read right now; try again shortly.");
    this.name = "KeyStoreUnavailableError";
  }
}

/** Views of keys not used for this long are dropped (memory stays bounded by active keys). */
const IDLE_MS = 10 * 60_000;
const NO_USAGE = emptyUsage(0);
/**
 * An unknown key re-reads the registry before it is refused, at most once per this long: a
 * key created on another instance a moment ago works on its first request here, and a flood
 * of made-up keys costs the store at most 10 reads a second.
 */
const MISS_RECHECK_MS = 100;

/**
 * Team keys on one instance: who a bearer token is, whether it may start a request, what it
 * used, and the admin operations — over any {@link StateStore}, shared by every instance.
 *
 * Costs: a request reads only this instance's cached view (a SHA-256 and a map lookup to
 * authenticate, a few additions to admit). The view is re-read in the background once it is
 * half of `cacheMs` old, so under steady traffic no request waits on the store; a request
 * that finds it older than `cacheMs` (after a quiet spell) waits for one read, which is what
 * bounds how long a revocation elsewhere takes to reach this instance. Usage is written in
 * batches (one compare-and-set per active key per `flushMs`), and re-read with the keys for
 * keys with limits, so limits hold across instances to within about one cache period.
 *
 * If the store cannot be read, the last view keeps serving and the store is tried again once
 * per cache period (a cold instance with no view refuses team keys as `unavailable` meanwhile);
 * the outage is logged once.
 *
 * @example
 *   const keys = new TeamKeys(store, { cacheMs: stateCacheMs(process.env) });
 *   const key = await keys.authenticate(bearerToken);      // throws KeyRefusedError
 *   const admission = await keys.admit(key, "grok-4");    // throws KeyRefusedError
 *   // ... call OCI, stream the answer ...
 *   admission.finish({ promptTokens: 812, completionTokens: 95 });
 */
export class TeamKeys {
  private readonly registry: KeyRegistry;
  private readonly ledger: UsageLedger;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly cacheMs: number;
  private readonly refreshAheadMs: number;
  private readonly flushMs: number;
  /** When the last successful read started. */
  private syncedAt = -Infinity;
  private readFailing = false;
  private retryReadAt = -Infinity;
  private missReadAt = -Infinity;
  private chain: Promise<void> = Promise.resolve();
  private refreshing: Promise<void> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: StateStore,
    options: TeamKeysOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.cacheMs = options.cacheMs ?? 1_000;
    this.refreshAheadMs = this.cacheMs / 2;
    this.flushMs = options.flushMs ?? this.cacheMs / 2;
    this.registry = new KeyRegistry(store, options.registry);
    this.ledger = new UsageLedger(store, this.logger);
  }

  /**
   * The live team key a bearer token names.
   *
   * @throws KeyRefusedError `invalid_key` (unknown, revoked, expired) or `unavailable`.
   */
  authenticate(token: string): Promise<TeamKey> {
    return this.authenticateHash(token.startsWith(TEAM_KEY_PREFIX) ? hashTeamKey(token) : "");
  }

  /**
   * {@link authenticate} for a token already hashed ({@link hashTeamKey}): the HTTP layer
   * hashes every token once, for the admin-key comparison and this lookup alike.
   *
   * @throws KeyRefusedError `invalid_key` (unknown, revoked, expired) or `unavailable`.
   */
  async authenticateHash(hash: string): Promise<TeamKey> {
    const now = this.clock.now();
    const wait = this.freshness(now, this.syncedAt);
    if (wait) await wait;
    if (this.syncedAt === -Infinity) throw new KeyRefusedError({ kind: "unavailable", retryAfterMs: this.cacheMs });
    let key = this.registry.byHash(hash);
    // Unless the view was read since this request arrived (it just waited for that read).
    if (!key && !this.readFailing && this.syncedAt < now && now - this.missReadAt >= MISS_RECHECK_MS) {
      this.missReadAt = now;
      // A read that starts now (not one already under way, which may predate the key).
      await this.exclusive(() => this.sync(true));
      key = this.registry.byHash(hash);
    }
    if (!key) throw new KeyRefusedError({ kind: "invalid_key", why: "unknown" });
    const status = keyStatus(key, now);
    if (status !== "active") throw new KeyRefusedError({ kind: "invalid_key", why: status, keyId: key.id });
    return key;
  }

  /**
   * Admits a request of `key` for `model` (a configured model name) against the limits known
   * now, and counts it. Tokens are counted when the admission is finished.
   *
   * @throws KeyRefusedError `model_not_allowed`, `rate_limited` (rpm, tpm), `quota_exhausted`
   *   (daily_tokens), or `invalid_key` if the key died since it was authenticated.
   */
  async admit(key: TeamKey, model: string): Promise<Admission> {
    let now = this.clock.now();
    let usage = NO_USAGE;
    // The settings as they are now: the key may have changed since it was authenticated.
    key = this.registry.byId(key.id) ?? key;
    if (hasUsageLimits(key)) {
      const view = this.ledger.touch(key.id, now);
      // Twice at most: a refresh already under way when the key was first seen here may not include it.
      for (let round = 0; round < 2; round++) {
        const wait = this.freshness(now, view.syncedAt);
        if (!wait) break;
        await wait;
        now = this.clock.now();
      }
      key = this.registry.byId(key.id) ?? key;
      usage = view.usage;
    }
    const refusal = checkAdmission(key, model, usage, now);
    if (refusal) throw new KeyRefusedError(refusal);
    this.ledger.record(key.id, model, now, 1, 0, 0);
    this.scheduleFlush();
    return new KeyAdmission(this, key, model);
  }

  /** Counts an answer's tokens (what {@link Admission.finish} calls). */
  recordTokens(key: TeamKey, model: string, usage: TokenUsage): void {
    const prompt = tokenCount(usage.promptTokens);
    const completion = tokenCount(usage.completionTokens);
    if (prompt === 0 && completion === 0) return;
    this.ledger.record(key.id, model, this.clock.now(), 0, prompt, completion);
    this.scheduleFlush();
  }

  /** Writes recorded usage now. Serverless: await it before the invocation ends; the CLI: on shutdown. */
  flush(): Promise<void> {
    return this.exclusive(() => this.sync(false));
  }

  // ---- admin ----

  /** Creates a key; `key` is the secret, returned only here. */
  async create(settings: KeySettings): Promise<{ key: string; report: KeyReport }> {
    const now = this.clock.now();
    const { key, stored } = await this.registry.create(settings, now);
    return { key, report: this.reportOf(this.registry.byId(stored.id)!, now) };
  }

  /**
   * Every key with its usage, read fresh from the store (all instances' figures).
   *
   * @throws KeyStoreUnavailableError
   */
  async list(): Promise<KeyReport[]> {
    await this.readNow([]);
    await this.readNow(this.registry.all().map((key) => key.id));
    const now = this.clock.now();
    return this.registry.all().map((key) => this.reportOf(key, now));
  }

  /** @throws KeyNotFoundError, KeyStoreUnavailableError */
  async get(id: string): Promise<KeyReport> {
    await this.readNow([id]);
    return this.reportOf(this.known(id), this.clock.now());
  }

  /** @throws KeyNotFoundError, KeyRevokedError */
  async patch(id: string, changes: Partial<KeySettings>): Promise<KeyReport> {
    await this.registry.patch(id, changes, this.clock.now());
    return this.get(id);
  }

  /** Revokes a key on every instance within `cacheMs`. @throws KeyNotFoundError */
  async revoke(id: string): Promise<KeyReport> {
    await this.registry.revoke(id, this.clock.now());
    return this.get(id);
  }

  /** A read for an admin: figures from the store or an error, never a stale view passed off as fresh. */
  private async readNow(ids: readonly string[]): Promise<void> {
    await this.exclusive(() => this.sync(true, ids));
    if (this.readFailing) throw new KeyStoreUnavailableError();
  }

  private known(id: string): TeamKey {
    const key = this.registry.byId(id);
    if (!key) throw new KeyNotFoundError(id);
    return key;
  }

  private reportOf(key: TeamKey, now: number): KeyReport {
    return { key, status: keyStatus(key, now), usage: this.ledger.peek(key.id)?.usage ?? emptyUsage(now) };
  }

  /**
   * What a request must wait for before trusting a view last synced at `syncedAt`: nothing
   * while it is fresh (a refresh starts in the background once it is half-way stale), or the
   * refresh once it is stale — unless the store is failing and a view exists to serve from.
   */
  private freshness(now: number, syncedAt: number): Promise<void> | undefined {
    const age = now - syncedAt;
    if (age < this.refreshAheadMs) return undefined;
    if (this.readFailing) {
      // Try the store again once per cache period; only a cold instance (nothing to serve from) waits for it.
      if (now < this.retryReadAt) return undefined;
      this.retryReadAt = now + this.cacheMs;
      const retry = this.refresh();
      return this.syncedAt === -Infinity ? retry : undefined;
    }
    const refresh = this.refresh();
    return age < this.cacheMs ? undefined : refresh;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.exclusive(() => this.sync(true)).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Runs store work one step at a time, so a key's usage is never written and read at once. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => {});
    return run;
  }

  /**
   * Writes the current usage batch and, with `read`, re-reads the registry and the usage of
   * keys with limits used here lately (plus `extraIds`) — all in parallel, one round trip.
   */
  private async sync(read: boolean, extraIds: readonly string[] = []): Promise<void> {
    const now = this.clock.now();
    const batch = this.ledger.takeBatch();
    // This sync writes the batch: the timer set for it has nothing left to do.
    if (batch.size > 0 && this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const work: Promise<void>[] = [];
    if (batch.size > 0) work.push(this.ledger.flush(batch, now));
    if (read) {
      const ids = new Set(extraIds);
      for (const id of this.ledger.seenSince(now - WINDOW_MS)) {
        const key = this.registry.byId(id);
        if (key && hasUsageLimits(key)) ids.add(id);
      }
      // A written record is as fresh as a read one.
      for (const id of batch.keys()) ids.delete(id);
      work.push(this.read(now, [...ids]));
    }
    await Promise.all(work);
    this.ledger.forgetIdle(now - IDLE_MS);
  }

  private async read(now: number, ids: string[]): Promise<void> {
    const writes = this.registry.writes;
    try {
      const records = await this.store.getMany<unknown>([REGISTRY_RECORD, ...ids.map(usageRecord)]);
      this.registry.adopt(records.get(REGISTRY_RECORD) as VersionedRecord<RegistryValue> | undefined, writes);
      for (const id of ids) this.ledger.adopt(id, records.get(usageRecord(id)), now);
      this.syncedAt = now;
      this.readFailing = false;
    } catch (err) {
      // Keep serving on the last view; say so once per outage.
      if (!this.readFailing) this.logger.warn("state store: reading team keys failed; using the cached view", { error: (err as Error).message });
      this.readFailing = true;
      this.retryReadAt = this.clock.now() + this.cacheMs;
    }
  }

  private scheduleFlush(): void {
    if (this.flushMs <= 0 || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.exclusive(() => this.sync(false));
    }, this.flushMs);
    // Never keeps a process alive on its own; shutdown calls flush().
    this.flushTimer.unref?.();
  }
}

class KeyAdmission implements Admission {
  private finished = false;

  constructor(
    private readonly keys: TeamKeys,
    readonly key: TeamKey,
    readonly model: string,
  ) {}

  finish(usage?: TokenUsage): void {
    if (this.finished) return;
    this.finished = true;
    if (usage) this.keys.recordTokens(this.key, this.model, usage);
  }
}

/** OCI's token counts as a non-negative integer; anything else counts as 0. */
function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
