/**
 * Run 5: failover — three accounts (three simulator processes), one of them failing;
 * closed-loop load; client-visible errors (target 0) and what the bad account received.
 */
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import { accountsFile, API_KEY, makeAccounts, proxyConfig, proxyTarget } from "./fixtures";
import { runLoad, summarizeResult } from "./load";
import { sleep, startProxyProcess, startSimulatorProcess, type SimulatorProcess } from "./processes";
import { num, type Section, type Table } from "./report";
import type { FaultPlan } from "../../test/simulator";

interface Scenario {
  name: string;
  fault?: FaultPlan;
}

const SCENARIOS: Scenario[] = [
  { name: "no fault (baseline)" },
  { name: "account 2 answers 500", fault: { status: 500 } },
  { name: "account 2 answers 429, Retry-After 1", fault: { status: 429, retryAfterSeconds: 1 } },
];

export async function runFaults(ctx: BenchContext): Promise<Section> {
  const requests = ctx.quick ? 400 : 2_000;
  const concurrency = 16;
  const accounts = makeAccounts(ctx.dir, 3);
  const sims: SimulatorProcess[] = await Promise.all(
    accounts.map((a, i) => startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, [a], `fault-${i}`), logDir: ctx.logDir, name: `sim-fault-${i + 1}` })),
  );
  const table: Table = {
    title: `Failover: 3 accounts, ${requests} requests at concurrency ${concurrency}`,
    columns: ["scenario", "client errors", "p50 ms", "p99 ms", "req/s", "account 1 got", "account 2 (bad) got", "account 3 got", "bad account breaker", "retries"],
    rows: [],
    notes: ["\"got\" = requests the account's simulator received during the run (health probes excluded); retries = upstream calls beyond one per client request"],
  };
  const findings: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      // A fresh proxy per scenario: no breaker or cooldown state carried over.
      const cfg = proxyConfig(ctx.dir, `fault-${SCENARIOS.indexOf(scenario)}`, accounts.map((account, i) => ({ account, endpoint: sims[i].url })));
      const proxy = await startProxyProcess({ configFile: cfg.file, logDir: ctx.logDir, name: "proxy-fault", multiAccount: true });
      try {
        const target = proxyTarget(proxy.url, "proxy, 3 accounts");
        await runLoad(target, { concurrency: 4, requests: 60 }); // warm-up, all healthy
        await sleep(200);
        await Promise.all(sims.map((s) => s.reset()));
        if (scenario.fault) await sims[1].setFaults(scenario.fault);
        progress(`faults: ${scenario.name}`);
        const result = await runLoad(target, { concurrency, requests });
        const got = (await Promise.all(sims.map((s) => s.stats()))).map((s) => s.requests);
        const stats = (await (await fetch(`${proxy.url}/stats`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
          accounts: { breaker: string }[];
        };
        const s = summarizeResult(result);
        const errorText = result.errors ? `${result.errors} (${Object.entries(result.statuses).filter(([k]) => k !== "200").map(([k, v]) => `${v}× ${k}`).join(", ")})` : "0";
        table.rows.push([scenario.name, errorText, s.p50, s.p99, num(s.rps, 0), got[0], got[1], got[2], stats.accounts[1]?.breaker ?? "?", got[0] + got[1] + got[2] - result.count]);
        if (result.errors) findings.push(`${scenario.name}: ${result.errors} client-visible errors; first: ${result.firstError?.slice(0, 240)}`);
      } finally {
        await proxy.stop();
        await sims[1].setFaults(null);
      }
    }
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
  printTable(table);
  return {
    title: "Failover with one failing account",
    method: [
      `Three simulator processes, one account each, behind a fresh multi-account proxy per scenario (round_robin, retry_attempts 3, breaker defaults: 5 consecutive failures or 60 % of ≥ 10 calls open it for 60 s). After 60 warm-up requests the simulators' counters are reset and account 2's simulator is told to fail (\`POST /__sim/faults\`); then ${requests} requests at concurrency ${concurrency}.`,
    ],
    tables: [table],
    findings: findings.length ? findings : undefined,
  };
}
