import { probeAccount, type ProbeResult } from "../chat/probe-account";
import { resolveModel } from "../chat/resolve-model";
import type { ServerlessRuntime } from "./serverless-runtime";

/**
 * One round of health probes (the scheduled function, and test-oci's plain invoke):
 * a 1-token chat per enabled account. With `record`, results go into the shared store,
 * so chat instances skip unhealthy accounts.
 */
export async function runHealthCheck({ config, pool }: ServerlessRuntime, record: boolean): Promise<{ healthy: number; total: number; accounts: ProbeResult[] }> {
  const model = resolveModel(config.models, config.pool.healthCheckModel ?? config.models.keys().next().value!);
  const members = pool.members.filter((m) => m.account.config.enabled);
  const accounts = await Promise.all(members.map((m) => probeAccount(m.account, model, config.pool.requestTimeoutMs)));
  if (record) {
    await pool.refreshShared();
    accounts.forEach((result, i) => {
      // A rate-limited probe says nothing about health.
      if (result.status !== 429) pool.setHealth(members[i], result.ok, result.error);
    });
    await pool.flushShared();
  }
  return { healthy: accounts.filter((a) => a.ok).length, total: accounts.length, accounts };
}
