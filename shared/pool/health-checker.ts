import { probeAccounts, type ProbeResult } from "../chat/probe-account";
import type { ProxyConfig } from "../config/types";
import type { Logger } from "../log/logger";
import type { AccountPool } from "./account-pool";

export interface HealthRound {
  healthy: number;
  total: number;
  accounts: ProbeResult[];
}

/**
 * Probes every enabled account with a 1-token chat and feeds the results to the pool, so
 * a broken account (key, IAM policy, region) is skipped before users hit it. The CLI runs
 * it on a timer; serverless runs one round per scheduled invocation.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pool: AccountPool,
    private readonly config: Pick<ProxyConfig, "models" | "pool">,
    private readonly logger: Logger,
  ) {}

  /** Runs one round of probes and records the outcome in the pool. */
  async checkAll(): Promise<HealthRound> {
    const members = this.pool.members.filter((m) => m.account.config.enabled);
    const accounts = await probeAccounts(this.config, members.map((m) => m.account));
    accounts.forEach((result, i) => {
      const member = members[i];
      const wasHealthy = member.health.healthy;
      // A rate-limited probe says nothing about the account's health.
      if (result.status === 429) return;
      this.pool.setHealth(member, result.ok, result.error);
      if (wasHealthy !== result.ok) {
        const log = result.ok ? this.logger.info : this.logger.warn;
        log(result.ok ? "account healthy again" : "account unhealthy", { account: member.id, reason: result.error });
      }
    });
    return { healthy: members.filter((m) => m.health.healthy).length, total: members.length, accounts };
  }

  /** Every `health_check_interval`, skipping a tick while a slow round is still running. */
  start(): void {
    const interval = this.config.pool.healthCheckIntervalMs;
    if (interval <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.checkAll().finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
