import type { PoolMember } from "./pool-member";

/** JSON views of the pool for the /stats endpoints. */
export interface PoolStats {
  accounts: ReturnType<typeof accountView>[];
  concurrency: {
    global: { in_flight: number; limit: number | null };
    accounts: { id: string; in_flight: number; limit: number | null }[];
    retry_budget: number;
  };
  circuit_breakers: ({ id: string } & ReturnType<PoolMember["breaker"]["stats"]>)[];
}

export function accountView(member: PoolMember, now: number) {
  const { config } = member.account;
  return {
    id: config.id,
    region: config.region,
    endpoint: config.endpoint ?? null,
    enabled: config.enabled,
    healthy: member.health.healthy,
    health_reason: member.health.reason ?? null,
    health_checked_at: member.health.checkedAt ? new Date(member.health.checkedAt).toISOString() : null,
    weight: config.weight,
    max_concurrency: config.maxConcurrency || null,
    in_flight: member.inFlight,
    breaker: member.breaker.state,
    cooling_down_until: member.cooldownUntil > now ? new Date(member.cooldownUntil).toISOString() : null,
    cooldown_reason: member.cooldownUntil > now ? (member.cooldownReason ?? null) : null,
    missing_models: member.modelsMissing(now),
    ...member.stats.toJSON(),
  };
}

export function poolStats(members: readonly PoolMember[], globalInFlight: number, globalLimit: number, retryBudget: number, now: number): PoolStats {
  return {
    accounts: members.map((m) => accountView(m, now)),
    concurrency: {
      global: { in_flight: globalInFlight, limit: globalLimit || null },
      accounts: members.map((m) => ({ id: m.id, in_flight: m.inFlight, limit: m.account.config.maxConcurrency || null })),
      retry_budget: Math.floor(retryBudget * 10) / 10,
    },
    circuit_breakers: members.map((m) => ({ id: m.id, ...m.breaker.stats() })),
  };
}
