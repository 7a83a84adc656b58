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

  get atLimit(): boolean {
    const limit = this.account.config.maxConcurrency;
    return limit > 0 && this.inFlight >= limit;
  }
}
