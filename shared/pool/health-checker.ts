import { probeAccount } from "../chat/probe-account";
import type { Logger } from "../log/logger";
import type { AccountPool } from "./account-pool";

/**
 * Probes every enabled account with a 1-token chat on a timer and feeds the results to
 * the pool, so a broken account (key, IAM policy, region) is skipped before users hit it.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: AccountPool,
    private readonly ociModelId: string,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Runs one round of probes; resolves with the number of healthy accounts. */
  async checkAll(): Promise<{ healthy: number; total: number }> {
    const members = this.pool.members.filter((m) => m.account.config.enabled);
    const results = await Promise.all(members.map((m) => probeAccount(m.account, this.ociModelId, this.timeoutMs)));
    results.forEach((result, i) => {
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
    return { healthy: members.filter((m) => m.health.healthy).length, total: members.length };
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      // Never overlap rounds: a slow round skips the next tick.
      this.running ??= this.checkAll()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
