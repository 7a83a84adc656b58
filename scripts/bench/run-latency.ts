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

export const MINIMAL_NAME = "minimal translating proxy";
const SINGLE_NAME = "proxy, 1 account";
const TRACED_NAME = "proxy, 1 account, tracing on";
const TEAM_KEY_NAME = "proxy, 1 account, team key";

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
  // Long enough for V8 to finish optimizing every path (a gateway with more code takes longer
  // to settle: seconds of JIT work after start-up), so the slices measure steady state.
  const warmupMs = ctx.quick ? 500 : 3_000;
  const warmupConcurrency = ctx.quick ? 8 : 32;

  const entries: { target: Target; pid?: number }[] = [
    { target: floorTarget(stack.sim.url, stack.accounts[0]) },
    { target: proxyTarget(stack.minimal.url, MINIMAL_NAME), pid: stack.minimal.proc.pid },
    { target: proxyTarget(stack.single.url, SINGLE_NAME), pid: stack.single.proc.pid },
    { target: proxyTarget(stack.traced.url, TRACED_NAME), pid: stack.traced.proc.pid },
    { target: proxyTarget(stack.single.url, TEAM_KEY_NAME, false, stack.teamKey), pid: stack.single.proc.pid },
    { target: proxyTarget(stack.pool.url, "proxy, 3-account pool"), pid: stack.pool.proc.pid },
    ...frontDoorTargets(stack.single.url).map((target) => ({ target, pid: stack.single.proc.pid })),
  ];
  if (stack.portkey) entries.push({ target: portkeyTarget(stack.portkey.url, stack.sim.url, stack.accounts[0]), pid: stack.portkey.proc.pid });

  progress(`latency: warm-up ${warmupMs} ms per path`);
  for (const e of entries) await runLoad(e.target, { concurrency: warmupConcurrency, durationMs: warmupMs });

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

  // The front doors run in the same process as "proxy, 1 account": the difference is their translation.
  const single = paths.find((p) => p.target === SINGLE_NAME)!;
  const doors: Table = {
    title: "Front doors: added over chat completions in the same proxy (ms)",
    columns: ["front door", "conc", "p50", "chat completions p50", "added p50", "req/s", "gateway CPU ms/req", "added CPU ms/req"],
    rows: [],
    notes: ["the same turn (prompt, max tokens, model) as the chat completions row, against the same proxy process and simulator; goal: within 0.2 ms p50"],
  };
  for (const c of levels) {
    const chat = single.byConcurrency.get(c)!;
    for (const p of paths.filter((path) => path.target.includes("/v1/"))) {
      const m = p.byConcurrency.get(c)!;
      doors.rows.push([p.target.replace("proxy, 1 account, ", ""), c, m.summary.p50, chat.summary.p50, delta(m.summary.p50 - chat.summary.p50), num(m.summary.rps, 0), num(m.gatewayCpuMsPerReq), delta(m.gatewayCpuMsPerReq - chat.gatewayCpuMsPerReq)]);
    }
  }
  printTable(doors);

  const headlines = [...costRatios(paths, levels), ...tracingCost(paths, levels, stack.spansReceived()), ...teamKeyCost(paths, levels)];
  for (const line of headlines) process.stdout.write(`${line}\n`);

  const errors = paths.flatMap((p) => [...p.byConcurrency.values()].filter((m) => m.result.errors > 0).map((m) => `${p.target} c=${m.result.concurrency}: ${m.result.errors} errors, first: ${m.result.firstError}`));
  const section: Section = {
    title: "Latency and throughput (non-stream)",
    method: [
      `Closed loop: at each concurrency, that many workers each send the next request as soon as the previous answer is read (undici keep-alive pool, one connection per worker). ${rounds} rounds; in each round every path runs a ${sliceMs} ms slice, the order rotating per round (A B C D, B C D A, …). Each path was warmed up for ${warmupMs} ms at concurrency ${warmupConcurrency} first (until V8 has optimized its code: steady state, as a gateway that runs for hours).`,
      `The ${MINIMAL_NAME} (scripts/bench/minimal-proxy.ts) is the baseline of issue 12: raw \`node:http\` that parses the OpenAI body, builds the OCI body with the proxy's own \`toOciChatRequest\` and \`chatDetailsJson\`, signs it with the proxy's \`RequestSigner\` (key parsed once), forwards it over a keep-alive agent and translates the answer back with \`fromOciChatResponse\` — nothing else (no auth, validation, pool, limits, logs or metrics). It is bundled by esbuild and run with the same Node flags as the proxy.`,
      `"${TEAM_KEY_NAME}" is the one-account proxy called with a team key (made through \`POST /admin/keys\` with its model, rpm, tpm and daily tokens set far above the bench's rates) instead of the admin key: every request is admitted against the key's limits and its usage counted.`,
      `"${TRACED_NAME}" is a second copy of the one-account proxy with \`OTEL_EXPORTER_OTLP_ENDPOINT\` pointing at a local OTLP/HTTP receiver (protobuf, the SDK's batch processor): a span per request and one per upstream attempt, exported while the load runs.`,
      `The direct path is the same chat call made straight to the simulator, signed in the bench process with \`signRequestHeaders\` and a \`KeyObject\` parsed once. Every path answers the same prompt (\`max_tokens\` ${MAX_TOKENS}) from the same simulator process, which verifies every signature. "gateway CPU" is the proxy's (or Portkey's) utime+stime from /proc over the slices, divided by the requests; the simulator and the load generator run on the same 2 cores, so the direct path is also what the machine can do with one hop less.`,
    ],
    tables: [table, doors],
    findings: errors.length ? errors : undefined,
    headlines,
  };
  return { section, levels, paths };
}

/** The concurrency whose req/s the headlines compare: 32, or the highest level run. */
function throughputLevel(levels: number[]): number {
  return levels.includes(32) ? 32 : levels[levels.length - 1];
}

/**
 * Issue 12's cost targets: the proxy's added p50 at concurrency 1 within 1.2× the minimal
 * proxy's, and its req/s at concurrency 32 at least 0.9× the minimal proxy's.
 */
function costRatios(paths: PathStats[], levels: number[]): string[] {
  const floor = paths[0];
  const minimal = paths.find((p) => p.target === MINIMAL_NAME);
  const proxy = paths.find((p) => p.target === SINGLE_NAME);
  if (!minimal || !proxy) return [];
  const out: string[] = [];
  const at = (p: PathStats, c: number) => p.byConcurrency.get(c)?.summary;
  const f1 = at(floor, 1);
  const m1 = at(minimal, 1);
  const p1 = at(proxy, 1);
  if (f1 && m1 && p1) {
    const minimalAdded = m1.p50 - f1.p50;
    const proxyAdded = p1.p50 - f1.p50;
    const ratio = proxyAdded / minimalAdded;
    out.push(
      `Added p50 at concurrency 1: proxy ${num(proxyAdded)} ms, ${MINIMAL_NAME} ${num(minimalAdded)} ms — ratio ${num(ratio, 2)} (target ≤ 1.2: ${ratio <= 1.2 ? "met" : "not met"}).`,
    );
  }
  const top = throughputLevel(levels);
  const m32 = at(minimal, top);
  const p32 = at(proxy, top);
  if (m32 && p32) {
    const ratio = p32.rps / m32.rps;
    out.push(
      `Requests/s at concurrency ${top}: proxy ${num(p32.rps, 0)}, ${MINIMAL_NAME} ${num(m32.rps, 0)} — ratio ${num(ratio, 2)} (target ≥ 0.9: ${ratio >= 0.9 ? "met" : "not met"}).`,
    );
  }
  return out;
}

/** What tracing costs: the traced copy of the one-account proxy against the untraced one, same rounds. */
function tracingCost(paths: PathStats[], levels: number[], spans: number): string[] {
  const figures = versusPlainProxy(paths, levels, TRACED_NAME);
  return figures ? [`Tracing on (OTLP/HTTP to a local receiver, ${spans} spans received): ${figures}.`] : [];
}

/** What a team key costs over the admin key: admission against its limits and usage counting. */
function teamKeyCost(paths: PathStats[], levels: number[]): string[] {
  const figures = versusPlainProxy(paths, levels, TEAM_KEY_NAME);
  return figures ? [`Team key instead of the admin key (admission against rpm, tpm and daily tokens, usage counted): ${figures}.`] : [];
}

/** A variant of the one-account proxy against the plain path of the same rounds: p50 at c=1, req/s and CPU at 32. */
function versusPlainProxy(paths: PathStats[], levels: number[], name: string): string | undefined {
  const plain = paths.find((p) => p.target === SINGLE_NAME);
  const variant = paths.find((p) => p.target === name);
  const top = throughputLevel(levels);
  const p1 = plain?.byConcurrency.get(1)?.summary;
  const v1 = variant?.byConcurrency.get(1)?.summary;
  const pTop = plain?.byConcurrency.get(top);
  const vTop = variant?.byConcurrency.get(top);
  if (!p1 || !v1 || !pTop || !vTop) return undefined;
  const cpuUs = Math.round((vTop.gatewayCpuMsPerReq - pTop.gatewayCpuMsPerReq) * 1000);
  return `p50 at concurrency 1 ${delta(v1.p50 - p1.p50)} ms, req/s at concurrency ${top} ×${num(vTop.summary.rps / pTop.summary.rps, 2)}, CPU ${delta(cpuUs)} µs per request`;
}
