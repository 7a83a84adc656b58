import type { CircuitBreakerConfig, PoolConfig } from "../config/types";
import type { Logger } from "../log/logger";
import { ClientClosedRequestError, OpenAIError, RateLimitError, UpstreamError } from "../openai/errors";
import { MAX_RETRY_AFTER_MS, UpstreamFailure } from "../oci/upstream-failure";
import { systemClock, type Clock } from "./clock";
import type { BreakerPermit } from "./circuit-breaker";
import type { SharedCounters } from "./account-stats";
import { PoolMember } from "./pool-member";
import { poolStats, type PoolStats } from "./pool-stats";
import { RetryBudget, backoffMs } from "./retry-budget";
import { createStrategy, type Strategy } from "./strategies";
import type { Account, CallOutcome, Lease, SendOptions, UpstreamCall } from "./types";
import { WaitQueue } from "./wait-queue";
import { changedParts, type SharedLease, type SharedPoolState } from "./shared-pool-state";

const DEFAULT_COOLDOWN_MS = 1_000;

interface Reservation {
  member: PoolMember;
  permit: BreakerPermit;
  startedAt: number;
  /** The OCI model asked for (SendOptions.model). */
  model?: string;
  /** The slot held in the shared store (serverless), if the account has a limit. */
  sharedLease?: SharedLease | null;
}

/** Why no account could be reserved: only busy (wait for a slot), or unusable (answer now). */
type NoAccount = { busy: true } | { busy: false; error: OpenAIError };

export interface AccountPoolOptions {
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /** Serverless: share breakers, health, cooldowns, leases and counters across instances. */
  shared?: SharedPoolState;
}

/** All accounts cooling down for at most this long: queue the request instead of a 429. */
const COOLDOWN_WAIT_MAX_MS = 5_000;

/** How long to wait before looking again for a shared slot another instance may free. */
const SHARED_SLOT_POLL_MS = 100;

/** An account that answered 404 for a model is asked for it again after this long. */
const MISSING_MODEL_RETRY_MS = 5 * 60_000;

/**
 * The account pool: picks an account by strategy among those that may take a call
 * (enabled, healthy, breaker closed or probing, not cooling down after a 429, under its
 * concurrency limit), queues when all are busy, and fails over to another account on
 * retryable failures — only ever before the response reaches the client.
 *
 * @example
 *   const lease = await pool.send((account, attempt) => account.client.chat(body, { ...attempt, bodyTimeoutMs }));
 *   try { ...read lease.response.body... } finally { lease.release({ ok: true, latencyMs }); }
 */
export class AccountPool {
  readonly members: PoolMember[];
  private inFlight = 0;
  private readonly strategy: Strategy;
  private readonly queue: WaitQueue<Reservation>;
  private readonly budget = new RetryBudget();
  private readonly clock: Clock;
  private readonly random: () => number;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;

  constructor(
    readonly accounts: readonly Account[],
    private readonly config: PoolConfig,
    breakerConfig: CircuitBreakerConfig,
    private readonly options: AccountPoolOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.members = accounts.map((account, i) => new PoolMember(i, account, breakerConfig, this.clock, config.requestTimeoutMs));
    this.strategy = createStrategy(config.strategy);
    this.queue = new WaitQueue(config.queueSize);
  }

  async send(call: UpstreamCall, options: SendOptions = {}): Promise<Lease> {
    const tried = new Set<number>();
    let lastFailure: UpstreamFailure | undefined;
    this.budget.onRequest();
    await this.options.shared?.refresh(this.members);
    for (let attempt = 1; ; attempt++) {
      // The client may have left (during a backoff, or before we started): call nobody.
      if (options.signal?.aborted) throw new ClientClosedRequestError("upstream");
      // request_timeout bounds each attempt (waiting for a slot plus the first upstream
      // byte), so an account that hangs costs one attempt, not the whole request.
      const deadline = this.clock.now() + this.config.requestTimeoutMs;
      const reservation = await this.reserve(tried, deadline, options).catch((err: unknown) => {
        throw options.signal?.aborted ? new ClientClosedRequestError("queue") : err;
      });
      // A retry with no other usable account: the client gets the failure we have.
      if (!reservation) throw lastFailure!;
      tried.add(reservation.member.index);
      const controller = new AbortController();
      const abort = () => controller.abort();
      options.signal?.addEventListener("abort", abort, { once: true });
      try {
        const response = await call(reservation.member.account, {
          signal: controller.signal,
          headersTimeoutMs: Math.max(1, deadline - this.clock.now()),
        });
        return this.lease(reservation, response, attempt, options.signal, () => options.signal?.removeEventListener("abort", abort));
      } catch (err) {
        options.signal?.removeEventListener("abort", abort);
        const failure = err instanceof UpstreamFailure ? err : new UpstreamFailure("network", String(err));
        if (options.signal?.aborted) {
          // Whatever the call threw, it was cut short by the client leaving: no verdict.
          this.settle(reservation, { ok: "cancelled" });
          throw new ClientClosedRequestError("upstream");
        }
        this.settle(reservation, { ok: false, failure });
        const canRetry =
          failure.retryable &&
          attempt < this.config.retryAttempts &&
          tried.size < this.members.length &&
          this.budget.tryRetry();
        if (!canRetry) throw failure;
        lastFailure = failure;
        await sleep(backoffMs(attempt, this.random));
      }
    }
  }

  /** Closes breakers: all, or one account's. Returns the ids reset. */
  resetBreakers(accountId?: string): string[] {
    const targets = this.members.filter((m) => accountId === undefined || m.id === accountId);
    for (const member of targets) {
      member.breaker.reset();
      this.options.shared?.publish(member, ["breaker"]);
    }
    this.queue.drain();
    return targets.map((m) => m.id);
  }

  setHealth(member: PoolMember, healthy: boolean, reason?: string): void {
    const changed = member.health.healthy !== healthy || member.health.reason !== reason;
    member.health = { healthy, reason: healthy ? undefined : reason, checkedAt: this.clock.now() };
    if (changed) this.options.shared?.publish(member, ["health"]);
    if (healthy) this.queue.drain();
  }

  /** Serverless: re-reads shared state (and counters) so stats show every instance's view. */
  async refreshShared(): Promise<void> {
    const shared = this.options.shared;
    if (!shared) return;
    await Promise.all([shared.refresh(this.members, true), shared.loadCounters(this.members)]);
  }

  /** Serverless: waits for pending shared-state writes before the invocation ends. */
  flushShared(): Promise<void> {
    return this.options.shared?.flush() ?? Promise.resolve();
  }

  stats(): PoolStats & { queue: ReturnType<WaitQueue<Reservation>["stats"]> } {
    const view = poolStats(this.members, this.inFlight, this.config.globalMaxConcurrency, this.budget.balance, this.clock.now());
    return { ...view, queue: this.queue.stats() };
  }

  /** Whether the pool has nothing in flight and nobody waiting (shutdown waits for this). */
  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0;
  }

  private lease(reservation: Reservation, response: Lease["response"], attempt: number, signal: AbortSignal | undefined, detach: () => void): Lease {
    let recorded: CallOutcome | undefined;
    return {
      account: reservation.member.account,
      response,
      attempt,
      release: (outcome: CallOutcome) => {
        if (recorded) return recorded;
        // A read that failed because the client left (its abort cut the upstream socket)
        // is the client's doing, not the account's.
        recorded = outcome.ok === false && signal?.aborted ? { ok: "cancelled" } : outcome;
        detach();
        this.settle(reservation, recorded);
        return recorded;
      },
    };
  }

  /**
   * Reserves an account, waiting in the queue while all usable ones are busy. On a
   * retry, undefined when no other account is usable at all.
   */
  private async reserve(tried: Set<number>, deadline: number, { signal, model }: SendOptions): Promise<Reservation | undefined> {
    // Accounts whose shared slots (other instances' leases) are all taken right now.
    const sharedFull = new Set<number>();
    for (;;) {
      const now = this.tryReserve(tried, sharedFull, model);
      if ("member" in now) {
        if (await this.takeSharedLease(now)) return now;
        sharedFull.add(now.member.index);
        continue;
      }
      if (now.busy && sharedFull.size > 0) {
        // Other instances hold the slots: nothing here will wake us, so look again shortly.
        if (this.clock.now() + SHARED_SLOT_POLL_MS >= deadline) {
          throw new RateLimitError("Every account is at its max_concurrency across instances.", 1, "accounts_busy");
        }
        await sleep(SHARED_SLOT_POLL_MS);
        sharedFull.clear();
        continue;
      }
      if (!now.busy) {
        if (tried.size > 0) return undefined;
        throw now.error;
      }
      const queued = await this.queue.wait(
        () => {
          const later = this.tryReserve(tried, sharedFull, model);
          return "member" in later ? later : undefined;
        },
        deadline - this.clock.now(),
        signal,
      );
      if (await this.takeSharedLease(queued)) return queued;
      sharedFull.add(queued.member.index);
    }
  }

  /** Adds the shared-store lease to a local reservation; false (and undone) if none is free. */
  private async takeSharedLease(reservation: Reservation): Promise<boolean> {
    const shared = this.options.shared;
    if (!shared) return true;
    try {
      reservation.sharedLease = await shared.acquireLease(reservation.member);
    } catch (err) {
      // A store outage must not stop traffic: go on under the local limits alone.
      this.options.logger?.warn("state store lease failed; proceeding without it", { account: reservation.member.id, error: (err as Error).message });
      reservation.sharedLease = null;
    }
    if (reservation.sharedLease !== undefined) return true;
    this.unreserve(reservation);
    return false;
  }

  private unreserve({ member, permit }: Reservation): void {
    member.inFlight--;
    member.stats.requests--;
    this.inFlight--;
    member.breaker.onCancel(permit);
  }

  /** Reserves an account now, or says why not. */
  private tryReserve(tried: Set<number>, sharedFull: ReadonlySet<number>, model: string | undefined): Reservation | NoAccount {
    const now = this.clock.now();
    const ready: PoolMember[] = [];
    const fallback: PoolMember[] = [];
    let busy = false;
    let open = 0;
    let cooling = 0;
    let nextProbeMs = Infinity;
    let coolingEndsMs = Infinity;
    for (const member of this.members) {
      if (!member.account.config.enabled || tried.has(member.index)) continue;
      if (!member.breaker.available) {
        open++;
        nextProbeMs = Math.min(nextProbeMs, member.breaker.retryAfterMs());
        continue;
      }
      if (member.cooldownUntil > now) {
        cooling++;
        coolingEndsMs = Math.min(coolingEndsMs, member.cooldownUntil - now);
        continue;
      }
      if (member.atLimit || sharedFull.has(member.index)) {
        busy = true;
        continue;
      }
      (member.health.healthy && !member.lacksModel(model, now) ? ready : fallback).push(member);
    }
    // Health can be stale (and a region may have gained the model): with nothing better
    // left, an unhealthy account or one that lacked the model is still worth a try.
    const candidates = ready.length > 0 ? ready : fallback;
    const globalFull = this.config.globalMaxConcurrency > 0 && this.inFlight >= this.config.globalMaxConcurrency;
    if (candidates.length > 0 && !globalFull) {
      const member = this.strategy.pick(candidates);
      const permit = member.breaker.tryAcquire()!;
      member.inFlight++;
      member.stats.requests++;
      this.inFlight++;
      return { member, permit, startedAt: now, model };
    }
    if (busy || (globalFull && candidates.length > 0)) return { busy: true };
    // A short cooldown (OCI's concurrency 429s say Retry-After: 1) is worth waiting out in
    // the queue; a long one is the client's to wait, told by Retry-After.
    if (cooling > 0 && coolingEndsMs <= COOLDOWN_WAIT_MAX_MS) {
      this.wakeQueueAt(now + coolingEndsMs);
      return { busy: true };
    }
    if (open > 0 && cooling === 0) {
      return {
        busy: false,
        error: new UpstreamError(503, "Every OCI account's circuit breaker is open; failing fast.", "all_breakers_open", Math.max(1, nextProbeMs / 1000)),
      };
    }
    if (cooling > 0) {
      return {
        busy: false,
        error: new RateLimitError("Every OCI account is rate limited right now.", Math.min(coolingEndsMs, nextProbeMs) / 1000, "all_accounts_rate_limited"),
      };
    }
    return { busy: false, error: new UpstreamError(503, "No OCI account is enabled.", "no_accounts") };
  }

  /** Drains the queue when a cooldown ends (nothing else would wake its waiters then). */
  private wakeQueueAt(at: number): void {
    if (this.wakeTimer && this.wakeAt <= at) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.queue.drain();
    }, Math.max(0, at - this.clock.now()));
    this.wakeTimer.unref();
  }

  private settle({ member, permit, startedAt, sharedLease, model }: Reservation, outcome: CallOutcome): void {
    member.inFlight--;
    this.inFlight--;
    const now = this.clock.now();
    const shared = this.options.shared;
    const before = shared && member.sharedState();
    if (outcome.ok === true) {
      member.breaker.onSuccess(permit);
      member.stats.recordSuccess(now - startedAt);
      if (model) member.modelServed(model);
      if (!member.health.healthy) this.setHealth(member, true);
    } else if (outcome.ok === "cancelled") {
      member.breaker.onCancel(permit);
      member.stats.cancelled++;
    } else {
      this.penalise(member, permit, outcome.failure, now, model);
    }
    if (shared) {
      if (sharedLease) shared.releaseLease(sharedLease);
      shared.publish(member, changedParts(before!, member.sharedState()));
      shared.count(member, countersFor(outcome, now - startedAt));
    }
    this.queue.drain();
  }

  /**
   * The account's side of a failed call. The rule: only evidence against the account counts
   * against it. What the request's own content caused (see UpstreamFailure.blamesAccount)
   * leaves breaker and health alone — the account answered, so for the breaker it is alive —
   * and is counted as a client error, not a failure.
   */
  private penalise(member: PoolMember, permit: BreakerPermit, failure: UpstreamFailure, now: number, model: string | undefined): void {
    const message = failure.details.status ? `HTTP ${failure.details.status}: ${failure.message}` : failure.message;
    if (failure.kind === "auth" && failure.details.status === 404 && model) member.markModelMissing(model, now + MISSING_MODEL_RETRY_MS);
    if (!failure.blamesAccount) {
      if (failure.details.status !== undefined) member.breaker.onSuccess(permit);
      else member.breaker.onCancel(permit);
      member.stats.clientErrors++;
      return;
    }
    switch (failure.kind) {
      case "rate_limited": {
        const ms = Math.min(MAX_RETRY_AFTER_MS, failure.details.retryAfterMs ?? DEFAULT_COOLDOWN_MS);
        member.cooldownUntil = now + ms;
        member.cooldownReason = message;
        member.breaker.onCancel(permit);
        break;
      }
      case "auth":
        this.setHealth(member, false, message);
        member.breaker.onCancel(permit);
        this.options.logger?.warn("account marked unhealthy", { account: member.id, reason: message });
        break;
      default:
        member.breaker.onFailure(permit);
    }
    member.stats.recordFailure(failure.kind, message, now);
  }
}

/** The shared counters' deltas for one settled call; they add up as the local stats do. */
function countersFor(outcome: CallOutcome, latencyMs: number): SharedCounters {
  if (outcome.ok === true) return { requests: 1, successes: 1, latencyMsSum: latencyMs };
  if (outcome.ok === "cancelled") return { requests: 1, cancelled: 1 };
  if (!outcome.failure.blamesAccount) return { requests: 1, clientErrors: 1 };
  return outcome.failure.kind === "rate_limited" ? { requests: 1, rateLimited: 1 } : { requests: 1, failures: 1 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
