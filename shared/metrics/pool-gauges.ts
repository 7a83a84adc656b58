import type { Registry } from "prom-client";
import type { BreakerState } from "../pool/circuit-breaker";
import type { PoolMember } from "../pool/pool-member";
import { registerFamily } from "./exposition";

/** What the gauges read from the pool, at scrape time only. `AccountPool` fits. */
export interface PoolGaugeSource {
  readonly members: readonly PoolMember[];
  stats(): { queue: { length: number } };
}

/** `ociai_breaker_state` values, as the issue and dashboards expect them. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Registers the pool's gauges. Their values are read from the pool when Prometheus
 * scrapes, so serving requests costs nothing extra.
 *
 * @example
 *   registerPoolGauges(registry, pool);
 *   await registry.metrics(); // ociai_breaker_state{account="primary"} 0 …
 */
export function registerPoolGauges(registry: Registry, pool: PoolGaugeSource): void {
  const perAccount = (name: string, help: string, read: (m: PoolMember) => number) =>
    registerFamily(registry, name, help, "gauge", () => pool.members.map((member) => ({ labels: { account: member.id }, value: read(member) })));
  perAccount("ociai_account_healthy", "1 when the account passed its last health check (and no auth error since), else 0.", (m) => (m.health.healthy ? 1 : 0));
  perAccount("ociai_breaker_state", "Circuit breaker state per account: 0 closed, 1 half-open, 2 open.", (m) => BREAKER_STATE_VALUE[m.breaker.state]);
  perAccount("ociai_inflight", "Upstream calls in flight per account (a stream counts until it ends).", (m) => m.inFlight);
  registerFamily(registry, "ociai_queue_length", "Requests waiting for a free upstream slot.", "gauge", () => [{ labels: {}, value: pool.stats().queue.length }]);
}
