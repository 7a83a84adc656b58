import { probeAccounts } from "../chat/probe-account";
import { HealthChecker, type HealthRound } from "../pool/health-checker";
import type { ServerlessRuntime } from "./serverless-runtime";

/**
 * One round of health probes: the scheduled function records the results in the shared
 * store (so chat instances skip unhealthy accounts); test-oci only reports them.
 */
export async function runHealthCheck({ config, pool, logger }: ServerlessRuntime, record: boolean): Promise<HealthRound> {
  if (!record) {
    const accounts = await probeAccounts(config, pool.members.filter((m) => m.account.config.enabled).map((m) => m.account));
    return { healthy: accounts.filter((a) => a.ok).length, total: accounts.length, accounts };
  }
  await pool.refreshShared();
  const round = await new HealthChecker(pool, config, logger).checkAll();
  await pool.flushShared();
  return round;
}
