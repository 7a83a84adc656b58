import type { CircuitBreakerConfig } from "../config/types";
import { AccountStats } from "./account-stats";
import { CircuitBreaker } from "./circuit-breaker";
import type { Clock } from "./clock";
import type { Pickable } from "./strategies";
import type { Account } from "./types";
import type { BreakerSnapshot } from "./circuit-breaker";

export interface SharedAccountState {
  breaker: BreakerSnapshot;
  health: Health;
  cooldownUntil: number;
  cooldownReason?: string;
}

export interface Health {
  healthy: boolean;
  reason?: string;
  checkedAt?: number;
}

/** An account inside the pool: its client plus everything the pool tracks about it. */
export class PoolMember implements Pickable {
  inFlight = 0;
  health: Health = { healthy: true };
  cooldownUntil = 0;
  cooldownReason: string | undefined;
  readonly stats = new AccountStats();
  readonly breaker: CircuitBreaker;
  /**
   * Models this account answered 404 NotAuthorizedOrNotFound for (its region lacks them, or
   * no policy covers them), with when to try again: other accounts serve them meanwhile,
   * and the account stays healthy for every other model.
   */
  private readonly missingModels = new Map<string, number>();

  constructor(
    readonly index: number,
    readonly account: Account,
    breakerConfig: CircuitBreakerConfig,
    clock: Clock,
    probeTimeoutMs: number,
  ) {
    this.breaker = new CircuitBreaker(breakerConfig, clock, probeTimeoutMs);
  }

  get id(): string {
    return this.account.config.id;
  }

  get weight(): number {
    return this.account.config.weight;
  }

  /** What instances share about this account (see shared/pool/shared-pool-state.ts). */
  sharedState(): SharedAccountState {
    return {
      breaker: this.breaker.snapshot(),
      health: { ...this.health },
      cooldownUntil: this.cooldownUntil,
      cooldownReason: this.cooldownReason,
    };
  }

  adoptSharedState(state: SharedAccountState): void {
    this.breaker.restore(state.breaker);
    this.health = state.health;
    this.cooldownUntil = state.cooldownUntil;
    this.cooldownReason = state.cooldownReason;
  }

  /** Whether to avoid this account for `model` at `now` (see missingModels). */
  lacksModel(model: string | undefined, now: number): boolean {
    if (model === undefined || this.missingModels.size === 0) return false;
    const until = this.missingModels.get(model);
    if (until === undefined) return false;
    if (until > now) return true;
    this.missingModels.delete(model);
    return false;
  }

  markModelMissing(model: string, until: number): void {
    this.missingModels.set(model, until);
  }

  modelServed(model: string): void {
    if (this.missingModels.size > 0) this.missingModels.delete(model);
  }

  /** The models avoided right now, for /stats. */
  modelsMissing(now: number): string[] {
    return [...this.missingModels].filter(([, until]) => until > now).map(([model]) => model);
  }

  get atLimit(): boolean {
    const limit = this.account.config.maxConcurrency;
    return limit > 0 && this.inFlight >= limit;
  }
}
