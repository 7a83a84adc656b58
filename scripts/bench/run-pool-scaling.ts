/**
 * Run 4: pool scaling — N accounts, each its own simulator process limited to K concurrent
 * requests (`--max-concurrency K`, 429 + Retry-After: 1 beyond), fixed upstream latency,
 * closed-loop load at ⌈1.5·N·K⌉. Two proxy set-ups: with `max_concurrency = K` per account
 * (the proxy queues instead of overrunning OCI), and without (OCI's 429s are the only
 * limit). Throughput at N accounts over throughput at one is the scaling factor.
 */
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import { accountsFile, floorTarget, makeAccounts, proxyConfig, proxyTarget } from "./fixtures";
import { mergeResults, runLoad, summarize, type LoadResult } from "./load";
import { cpuTimeMs } from "./proc-stats";
import { sleep, startProxyProcess, startSimulatorProcess, type ProxyProcess, type SimulatorProcess } from "./processes";
import { num, type Section, type Table } from "./report";

const K = 2;
const LATENCY_MS = 50;

interface Variant {
  name: string;
  proxyLimit: boolean;
}

const VARIANTS: Variant[] = [
  { name: `proxy max_concurrency = ${K}`, proxyLimit: true },
  { name: "no proxy limit (OCI 429s only)", proxyLimit: false },
];

interface ScalingPath {
  label: string;
  variant?: Variant;
  n: number;
  concurrency: number;
  used: SimulatorProcess[];
  proxy?: ProxyProcess;
  warmupMs: number;
  run(ms: number): Promise<LoadResult>;
  slices: LoadResult[];
  cpuMs: number;
  rejected: number;
  served: number[];
}

export interface ScalingPoint {
  variant: string;
  n: number;
  rps: number;
  requests: number;
  clientErrors: number;
  ociRejected: number;
}

export async function runPoolScaling(ctx: BenchContext): Promise<{ section: Section; points: ScalingPoint[] }> {
  const ns = ctx.quick ? [1, 2, 5] : [1, 2, 5, 10];
  const rounds = ctx.quick ? 1 : 2;
  const sliceMs = ctx.quick ? 1_000 : 1_500;
  const warmupMs = ctx.quick ? 500 : 1_000;
  const maxN = Math.max(...ns);
  const accounts = makeAccounts(ctx.dir, maxN);
  progress(`pool scaling: starting ${maxN} simulator processes (--max-concurrency ${K})`);
  const sims: SimulatorProcess[] = await Promise.all(
    accounts.map((a, i) =>
      startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, [a], `scale-${i}`), logDir: ctx.logDir, name: `sim-scale-${i + 1}`, maxConcurrency: K }),
    ),
  );
  const table: Table = {
    title: `Pool scaling: N accounts × ${K} concurrent requests each, upstream latency ${LATENCY_MS} ms, load concurrency ⌈1.5·N·${K}⌉`,
    columns: ["proxy set-up", "N", "load conc", "requests", "client errors", "ideal req/s", "ok req/s", "scaling vs N=1", "efficiency", "vs direct", "p50 ms", "p99 ms", "OCI 429s", "busiest/idlest account", "proxy CPU"],
    rows: [],
    notes: [
      "ideal = N·K / latency; ok req/s counts successful answers only; efficiency = scaling / N (target ≥ 0.9); vs direct = ok req/s over the direct calls at the same N; OCI 429s = requests the simulators refused for exceeding K; proxy CPU = share of one core",
    ],
  };
  const points: ScalingPoint[] = [];
  const findings: string[] = [];
  const noLimit: string[] = [];
  const headlines: string[] = [];
  let floodOf429 = false;
  let starved = false;
  const proxies: ProxyProcess[] = [];
  try {
    await Promise.all(sims.map((s) => s.setFaults({ latencyMs: LATENCY_MS })));
    // Every set-up for every N runs side by side, in interleaved rounds (floor, limit, no
    // limit, then rotated), so machine drift does not favour one of them.
    const paths: ScalingPath[] = [];
    for (const n of ns) {
      const used = sims.slice(0, n);
      const floors = used.map((sim, i) => floorTarget(sim.url, accounts[i]));
      paths.push({
        label: "direct: K workers per account",
        n,
        concurrency: n * K,
        used,
        warmupMs: 300,
        // K workers per simulator (exactly its limit): the machine's ceiling with no proxy.
        run: async (ms) => {
          const parts = await Promise.all(floors.map((t) => runLoad(t, { concurrency: K, durationMs: ms })));
          const merged = mergeResults(parts);
          merged.elapsedMs = Math.max(...parts.map((p) => p.elapsedMs));
          return merged;
        },
        slices: [],
        cpuMs: 0,
        rejected: 0,
        served: used.map(() => 0),
      });
      for (const variant of VARIANTS) {
        const specs = accounts.slice(0, n).map((account, i) => ({ account, endpoint: sims[i].url, maxConcurrency: variant.proxyLimit ? K : undefined }));
        const cfg = proxyConfig(ctx.dir, `scale-${variant.proxyLimit ? "limit" : "nolimit"}-${n}`, specs, { multi: true, settings: { health_check_interval: "10m" } });
        const proxy = await startProxyProcess({ configFile: cfg.file, logDir: ctx.logDir, name: `proxy-scale-${variant.proxyLimit ? "limit" : "nolimit"}-${n}`, multiAccount: true });
        proxies.push(proxy);
        const concurrency = Math.ceil(1.5 * n * K);
        const target = proxyTarget(proxy.url, `proxy ${n}`);
        paths.push({
          label: variant.name,
          variant,
          n,
          concurrency,
          used,
          proxy,
          warmupMs: variant.proxyLimit ? warmupMs : 300,
          run: (ms) => runLoad(target, { concurrency, durationMs: ms }),
          slices: [],
          cpuMs: 0,
          rejected: 0,
          served: used.map(() => 0),
        });
      }
    }
    await sleep(300); // the proxies' start-up health rounds
    for (const p of paths) await p.run(p.warmupMs);
    progress(`pool scaling: warm, ${rounds} round(s) of ${sliceMs} ms per set-up and N`);
    for (let round = 0; round < rounds; round++) {
      for (const n of ns) {
        const group = paths.filter((p) => p.n === n);
        for (let k = 0; k < group.length; k++) {
          const p = group[(k + round) % group.length];
          const before = await Promise.all(p.used.map((s) => s.stats()));
          const cpu0 = p.proxy ? cpuTimeMs(p.proxy.proc.pid) : 0;
          p.slices.push(await p.run(sliceMs));
          if (p.proxy) p.cpuMs += cpuTimeMs(p.proxy.proc.pid) - cpu0;
          const after = await Promise.all(p.used.map((s) => s.stats()));
          after.forEach((a, i) => {
            const rejected = a.rejectedConcurrency - before[i].rejectedConcurrency;
            p.rejected += rejected;
            p.served[i] += a.requests - before[i].requests - rejected;
          });
        }
      }
      progress(`pool scaling: round ${round + 1} done`);
    }

    const base = new Map<string, number>();
    const floorRps = new Map<number, number>();
    for (const p of paths) {
      const result = mergeResults(p.slices);
      const s = summarize(result.latenciesMs, result.count, result.errors, result.elapsedMs);
      const okRps = (result.ok / result.elapsedMs) * 1000;
      if (!base.has(p.label)) base.set(p.label, okRps / p.n);
      if (!p.proxy) floorRps.set(p.n, okRps);
      const scaling = okRps / base.get(p.label)!;
      const errorText = result.errors ? `${result.errors} (${Object.entries(result.statuses).filter(([k]) => k !== "200").map(([k, v]) => `${v}× ${k}`).join(", ")})` : "0";
      table.rows.push([
        p.label,
        p.n,
        p.concurrency,
        result.count,
        errorText,
        num((p.n * K * 1000) / LATENCY_MS, 0),
        num(okRps, 0),
        num(scaling, 2),
        `${num((scaling / p.n) * 100, 0)}%`,
        p.proxy ? `${num((okRps / (floorRps.get(p.n) ?? NaN)) * 100, 0)}%` : "–",
        s.p50,
        s.p99,
        p.rejected,
        p.proxy ? `${Math.max(...p.served)}/${Math.min(...p.served)}` : "–",
        p.proxy ? `${num((p.cpuMs / result.elapsedMs) * 100, 0)}%` : "–",
      ]);
      if (p.variant) points.push({ variant: p.variant.name, n: p.n, rps: okRps, clientErrors: result.errors, ociRejected: p.rejected, requests: result.count });
      if (result.errors && p.variant?.proxyLimit !== false) findings.push(`${p.label}, N=${p.n}: ${result.errors} of ${result.count} client requests failed; first: ${result.firstError?.slice(0, 240)}`);
      if (p.variant?.proxyLimit === false) {
        const codes = Object.entries(result.errorCodes).map(([k, v]) => `${v}× ${k}`).join(", ");
        noLimit.push(
          `N=${p.n}: ${p.rejected} OCI 429s, ${result.errors} of ${result.count} client requests failed${codes ? ` (${codes})` : ""}, ${num(okRps, 0)} ok req/s of ${num((p.n * K * 1000) / LATENCY_MS, 0)} possible, p50 ${num(s.p50, 0)} ms`,
        );
        floodOf429 ||= (result.errorCodes.all_accounts_rate_limited ?? 0) > result.count / 2;
        starved ||= okRps < 0.5 * (floorRps.get(p.n) ?? Infinity);
      }
    }
    if (noLimit.length && (floodOf429 || starved)) {
      const why = floodOf429
        ? "Each 429 (Retry-After: 1) cools its account down for a second, and while every account is cooling the pool fails requests at once with 429 `all_accounts_rate_limited` instead of waiting for the first cooldown to end."
        : "Each 429 (Retry-After: 1) takes its account out for the full second although it only says one call too many was in flight, so the accounts idle most of the time and requests wait out the cooldowns.";
      findings.push(
        `Without a proxy-side limit, OCI's concurrency 429s are the only back-pressure, and the pool serves a small fraction of what the accounts can do — ${noLimit.join("; ")}. ${why} Setting \`max_concurrency\` to the real limit (first set-up) avoids it; without it, the pool could treat a 429 with a short Retry-After as a concurrency signal (lower that account's limit, raise it again on success) rather than a cooldown.`,
      );
      const worst = points.filter((q) => q.variant === VARIANTS[1].name).map((q) => q.rps / ((q.n * K * 1000) / LATENCY_MS));
      headlines.push(
        `Problem: without \`max_concurrency\`, OCI's concurrency 429s leave the pool serving ${num(Math.min(...worst) * 100, 0)}–${num(Math.max(...worst) * 100, 0)}% of what the accounts could.`,
      );
    }
    // Rows grouped by set-up, then N.
    const order = (label: string) => (label.startsWith("direct") ? 0 : label.startsWith("proxy max") ? 1 : 2);
    table.rows.sort((a, b) => order(String(a[0])) - order(String(b[0])) || Number(a[1]) - Number(b[1]));
  } finally {
    await Promise.all(proxies.map((p) => p.stop()));
    await Promise.all(sims.map((s) => s.stop()));
  }
  printTable(table);
  return {
    points,
    section: {
      title: "Pool scaling: more accounts, more throughput",
      method: [
        `N simulator processes, one account each, started with \`--max-concurrency ${K}\` (a request beyond ${K} in flight is answered 429 with \`Retry-After: 1\`, as OCI does per tenancy) and a fixed ${LATENCY_MS} ms upstream latency (\`POST /__sim/faults {"latencyMs":${LATENCY_MS}}\`). A multi-account proxy per set-up and N (round_robin, default breaker, retry_attempts 3), all started up front and warmed up (${warmupMs} ms); closed-loop load at ⌈1.5·N·K⌉; ${rounds} interleaved round(s) of ${sliceMs} ms per set-up and N (direct, proxy with limit, proxy without, order rotating). The direct set-up sends K signed requests at a time straight to each simulator — exactly its limit — so it is what this machine delivers with these upstreams and no proxy.`,
        `Two proxy set-ups: **proxy max_concurrency = ${K}** per account (the limit known to the proxy, which queues the excess — the reported figure) and **no proxy limit**, where only OCI's 429s push back.`,
      ],
      tables: [table],
      findings: findings.length ? findings : undefined,
      headlines,
    },
  };
}
