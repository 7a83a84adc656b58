/**
 * Run 1: non-stream latency and throughput — the floor (hand-signed requests straight to
 * the simulator), the proxy with one account, the proxy with a 3-account pool and the
 * Portkey gateway, in interleaved rounds at each concurrency. Also records each gateway's
 * CPU time per request and peak RSS (used by the resources run).
 */
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import type { CoreStack } from "./core-stack";
import { floorTarget, frontDoorTargets, MAX_TOKENS, portkeyTarget, proxyTarget } from "./fixtures";
import { mergeResults, runLoad, summarizeResult, type LoadResult, type Summary, type Target } from "./load";
import { cpuTimeMs, rssMiB, RssSampler } from "./proc-stats";
import { delta, num, type Section, type Table } from "./report";

export interface PathStats {
  target: string;
  /** The gateway process measured (none for the floor). */
  pid?: number;
  byConcurrency: Map<number, { summary: Summary; result: LoadResult; gatewayCpuMsPerReq: number; simCpuMsPerReq: number; clientCpuMsPerReq: number }>;
  peakRss: number;
  idleRssAfter: number;
}

export interface LatencyRun {
  section: Section;
  levels: number[];
  paths: PathStats[];
}

export async function runLatency(ctx: BenchContext, stack: CoreStack): Promise<LatencyRun> {
  const levels = ctx.quick ? [1, 8, 32] : [1, 8, 32, 64];
  const rounds = ctx.quick ? 2 : 4;
  const sliceMs = ctx.quick ? 400 : 1_000;
  const warmupMs = ctx.quick ? 500 : 1_000;

  const entries: { target: Target; pid?: number }[] = [
    { target: floorTarget(stack.sim.url, stack.accounts[0]) },
    { target: proxyTarget(stack.single.url, "proxy, 1 account"), pid: stack.single.proc.pid },
    { target: proxyTarget(stack.pool.url, "proxy, 3-account pool"), pid: stack.pool.proc.pid },
    ...frontDoorTargets(stack.single.url).map((target) => ({ target, pid: stack.single.proc.pid })),
  ];
  if (stack.portkey) entries.push({ target: portkeyTarget(stack.portkey.url, stack.sim.url, stack.accounts[0]), pid: stack.portkey.proc.pid });

  progress(`latency: warm-up ${warmupMs} ms per path`);
  for (const e of entries) await runLoad(e.target, { concurrency: 8, durationMs: warmupMs });

  const paths: PathStats[] = entries.map((e) => ({ target: e.target.name, pid: e.pid, byConcurrency: new Map(), peakRss: 0, idleRssAfter: NaN }));
  const simPid = stack.sim.proc.pid;
  for (const c of levels) {
    const parts = entries.map(() => [] as LoadResult[]);
    const cpu = entries.map(() => ({ gateway: 0, sim: 0, client: 0 }));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no path always runs first (or right after another).
      for (let k = 0; k < entries.length; k++) {
        const i = (k + round) % entries.length;
        const { target, pid } = entries[i];
        const sampler = pid ? new RssSampler(pid) : undefined;
        const gw0 = pid ? cpuTimeMs(pid) : 0;
        const sim0 = cpuTimeMs(simPid);
        const client0 = process.cpuUsage();
        parts[i].push(await runLoad(target, { concurrency: c, durationMs: sliceMs }));
        const client = process.cpuUsage(client0);
        cpu[i].client += (client.user + client.system) / 1000;
        cpu[i].sim += cpuTimeMs(simPid) - sim0;
        if (pid) cpu[i].gateway += cpuTimeMs(pid) - gw0;
        if (sampler) paths[i].peakRss = Math.max(paths[i].peakRss, sampler.stop());
      }
    }
    entries.forEach((_, i) => {
      const result = mergeResults(parts[i]);
      const n = Math.max(1, result.count);
      paths[i].byConcurrency.set(c, {
        summary: summarizeResult(result),
        result,
        gatewayCpuMsPerReq: entries[i].pid ? cpu[i].gateway / n : NaN,
        simCpuMsPerReq: cpu[i].sim / n,
        clientCpuMsPerReq: cpu[i].client / n,
      });
    });
    progress(`latency: concurrency ${c} done`);
  }
  for (const p of paths) if (p.pid) p.idleRssAfter = rssMiB(p.pid);

  const table: Table = {
    title: "Non-stream chat completions: latency (ms) and throughput",
    columns: ["path", "conc", "requests", "errors", "p50", "p95", "p99", "added p50", "added p99", "req/s", "gateway CPU ms/req"],
    rows: [],
    notes: [`added = path minus the direct call at the same concurrency; ${rounds} interleaved rounds of ${sliceMs} ms per path and concurrency`],
  };
  for (const c of levels) {
    const floor = paths[0].byConcurrency.get(c)!.summary;
    for (const p of paths) {
      const m = p.byConcurrency.get(c)!;
      const s = m.summary;
      const isFloor = p === paths[0];
      table.rows.push([
        p.target,
        c,
        s.count,
        s.errors,
        s.p50,
        s.p95,
        s.p99,
        isFloor ? "–" : delta(s.p50 - floor.p50),
        isFloor ? "–" : delta(s.p99 - floor.p99),
        num(s.rps, 0),
        num(m.gatewayCpuMsPerReq),
      ]);
    }
  }
  printTable(table);

  // The front doors run in the same process as "proxy, 1 account" (entry 1): the difference is their translation.
  const doors: Table = {
    title: "Front doors: added over chat completions in the same proxy (ms)",
    columns: ["front door", "conc", "p50", "chat completions p50", "added p50", "req/s", "gateway CPU ms/req", "added CPU ms/req"],
    rows: [],
    notes: ["the same turn (prompt, max tokens, model) as the chat completions row, against the same proxy process and simulator; goal: within 0.2 ms p50"],
  };
  for (const c of levels) {
    const chat = paths[1].byConcurrency.get(c)!;
    for (const p of paths.filter((path) => path.target.includes("/v1/"))) {
      const m = p.byConcurrency.get(c)!;
      doors.rows.push([p.target.replace("proxy, 1 account, ", ""), c, m.summary.p50, chat.summary.p50, delta(m.summary.p50 - chat.summary.p50), num(m.summary.rps, 0), num(m.gatewayCpuMsPerReq), delta(m.gatewayCpuMsPerReq - chat.gatewayCpuMsPerReq)]);
    }
  }
  printTable(doors);

  const errors = paths.flatMap((p) => [...p.byConcurrency.values()].filter((m) => m.result.errors > 0).map((m) => `${p.target} c=${m.result.concurrency}: ${m.result.errors} errors, first: ${m.result.firstError}`));
  const section: Section = {
    title: "Latency and throughput (non-stream)",
    method: [
      `Closed loop: at each concurrency, that many workers each send the next request as soon as the previous answer is read (undici keep-alive pool, one connection per worker). ${rounds} rounds; in each round every path runs a ${sliceMs} ms slice, the order rotating per round (A B C D, B C D A, …). Each path was warmed up for ${warmupMs} ms at concurrency 8 first.`,
      `The direct path is the same chat call made straight to the simulator, signed in the bench process with \`signRequestHeaders\` and a \`KeyObject\` parsed once. Every path answers the same prompt (\`max_tokens\` ${MAX_TOKENS}) from the same simulator process, which verifies every signature. "gateway CPU" is the proxy's (or Portkey's) utime+stime from /proc over the slices, divided by the requests; the simulator and the load generator run on the same 2 cores, so the direct path is also what the machine can do with one hop less.`,
    ],
    tables: [table, doors],
    findings: errors.length ? errors : undefined,
  };
  return { section, levels, paths };
}
