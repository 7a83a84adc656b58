/**
 * Run 3: resources — each gateway's RSS (fresh, peak under load, idle afterwards) and CPU
 * time per request (from the latency run), then the proxy's RSS with 500 concurrent open
 * streams (the simulator hangs every stream after two events, so they stay open).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import type { CoreStack } from "./core-stack";
import { accountsFile, makeAccounts, proxyConfig, proxyTarget, type ProxyAccountSpec } from "./fixtures";
import { holdStreams, runLoad } from "./load";
import { rssMiB } from "./proc-stats";
import { ROOT, sleep, startProxyProcess, startSimulatorProcess, type SimulatorProcess } from "./processes";
import { num, type Section, type Table } from "./report";
import type { LatencyRun } from "./run-latency";

const STREAMS = 500;
/** Short, so a request stuck before its first upstream byte would have been answered 504 long before the bench looks. */
const REQUEST_TIMEOUT = "3s";
/** Stop waiting after this long without a stream opening or failing (must exceed REQUEST_TIMEOUT with margin). */
const QUIET_MS = 6_000;

export async function runResources(ctx: BenchContext, stack: CoreStack, latency: LatencyRun | undefined): Promise<Section> {
  const tables: Table[] = [];
  const findings: string[] = [];
  const headlines: string[] = [];

  if (latency) {
    // One memory row per process: the front doors and the team key run in the "proxy, 1
    // account" process, whose row is its first path's.
    const gateways = latency.paths.filter((p, i) => p.pid && latency.paths.findIndex((q) => q.pid === p.pid) === i);
    const memory: Table = {
      title: "Gateway memory (RSS, MiB) and CPU time per request (ms, utime+stime from /proc)",
      columns: ["gateway", "RSS fresh", "RSS peak under load", "RSS idle after load", ...latency.levels.map((c) => `CPU/req c=${c}`)],
      rows: gateways.map((p) => [
        p.target,
        num(stack.freshRss.get(p.pid!) ?? NaN, 1),
        num(p.peakRss, 1),
        num(p.idleRssAfter, 1),
        ...latency.levels.map((c) => num(p.byConcurrency.get(c)!.gatewayCpuMsPerReq)),
      ]),
      notes: ["RSS fresh = after start-up (Portkey: after 3 probe calls); peak sampled every 100 ms during the latency run"],
    };
    tables.push(memory);
    const mid = latency.levels.includes(8) ? 8 : latency.levels[0];
    const cpu: Table = {
      title: `CPU time per request by process at concurrency ${mid} (ms)`,
      columns: ["path", "load generator", "simulator", "gateway", "total"],
      rows: latency.paths.map((p) => {
        const m = p.byConcurrency.get(mid)!;
        const gateway = Number.isFinite(m.gatewayCpuMsPerReq) ? m.gatewayCpuMsPerReq : 0;
        return [p.target, num(m.clientCpuMsPerReq), num(m.simCpuMsPerReq), p.pid ? num(gateway) : "–", num(m.clientCpuMsPerReq + m.simCpuMsPerReq + gateway)];
      }),
      notes: ["on the direct path the load generator signs each request itself (RSA-2048); through a gateway the gateway signs"],
    };
    tables.push(cpu);
  }

  // 500 open streams: first through one account (one upstream origin), as asked.
  const held1 = await openStreams(ctx, 1);
  const rows = [held1.row];
  if (held1.open < STREAMS) {
    const rest = STREAMS - held1.open;
    const fate =
      held1.stuck > 0
        ? `${held1.stuck} of them were still waiting, with no answer, ${num(held1.heldForMs / 1000, 1)} s after they were sent although \`request_timeout\` was ${REQUEST_TIMEOUT}`
        : `they were answered ${Object.entries(held1.statuses).filter(([k]) => k !== "200").map(([k, v]) => `${v}× ${k}`).join(", ")} after up to ${num(held1.lastFailedMs / 1000, 1)} s (\`request_timeout\` ${REQUEST_TIMEOUT})`;
    findings.push(
      `With one account only ${held1.open} of ${STREAMS} streams opened. The other ${rest} never reached the simulator (in flight there: ${held1.simInFlight}); ${fate}. ${capExplanation()} Calls beyond the cap wait inside the HTTP agent, where the pool's \`max_concurrency\` / \`global_max_concurrency\` and its queue statistics do not see them. With two accounts on two origins all ${STREAMS} open (second row).`,
    );
    headlines.push(
      `Problem: through one account only ${held1.open} of ${STREAMS} concurrent streams reached OCI; the rest ${held1.stuck > 0 ? `hung past \`request_timeout\` (${REQUEST_TIMEOUT}) with no answer` : "failed"}.`,
    );
    // The same 500 streams over two accounts on two simulator processes (two origins).
    const held2 = await openStreams(ctx, 2);
    rows.push(held2.row);
  }
  const streams: Table = {
    title: `${STREAMS} concurrent open streams through the proxy`,
    columns: ["setup", "opened", "stuck", "failed", "time to open all (ms)", "sim in flight", "RSS before", "RSS with streams", "KiB/stream", "RSS after close", "sim in flight after close"],
    rows,
    notes: ["the simulator hangs each stream after 2 events (`hangAfterEvents`), so streams stay open until the client aborts them; RSS in MiB"],
  };
  tables.push(streams);
  for (const t of tables) printTable(t);

  return {
    title: "Resources: memory, CPU per request, 500 open streams",
    method: [
      "CPU time is the gateway process's utime+stime (/proc/<pid>/stat, 10 ms ticks) across all slices of the latency run at that concurrency, divided by the requests it served. RSS is VmRSS from /proc/<pid>/status.",
      `Open streams: a fresh simulator and a fresh proxy (single account, no \`max_concurrency\`, default queue); the bench opens ${STREAMS} streamed chat completions at once over ${STREAMS} connections and waits until each has its first token (or none has opened for ${QUIET_MS / 1000} s; \`request_timeout\` is ${REQUEST_TIMEOUT}), samples the proxy's RSS, aborts every stream, and checks that the simulator sees its upstream streams closed too.`,
    ],
    tables,
    findings: findings.length ? findings : undefined,
    headlines,
  };
}

async function openStreams(ctx: BenchContext, accountCount: number): Promise<{ row: (string | number)[]; open: number; stuck: number; heldForMs: number; lastFailedMs: number; statuses: Record<string, number>; simInFlight: number }> {
  const accounts = makeAccounts(ctx.dir, accountCount);
  const sims: SimulatorProcess[] = [];
  try {
    for (let i = 0; i < accountCount; i++) {
      sims.push(await startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, [accounts[i]], `streams${accountCount}-${i}`), logDir: ctx.logDir, name: `sim-streams-${i}` }));
    }
    const specs: ProxyAccountSpec[] = accounts.map((account, i) => ({ account, endpoint: sims[i].url }));
    const cfg = proxyConfig(ctx.dir, `streams${accountCount}`, specs, {
      settings: { request_timeout: REQUEST_TIMEOUT, ...(accountCount > 1 ? { health_check_interval: "10m" } : {}) },
    });
    const proxy = await startProxyProcess({ configFile: cfg.file, logDir: ctx.logDir, name: `proxy-streams${accountCount}`, multiAccount: cfg.multi });
    try {
      const target = proxyTarget(proxy.url, "proxy", true);
      // Warm up (JIT, connections) with normal streams before making them hang.
      await runLoad(target, { concurrency: 4, requests: 40 });
      await sleep(300);
      const before = rssMiB(proxy.proc.pid);
      for (const sim of sims) await sim.setFaults({ hangAfterEvents: 2 });
      progress(`resources: opening ${STREAMS} streams over ${accountCount} account(s)`);
      const held = await holdStreams(target, STREAMS, 20_000, QUIET_MS);
      await sleep(300);
      const during = rssMiB(proxy.proc.pid);
      const simInFlight = (await Promise.all(sims.map((s) => s.stats()))).reduce((n, s) => n + s.inFlight, 0);
      await held.close();
      await sleep(1_000);
      const after = rssMiB(proxy.proc.pid);
      const simAfter = (await Promise.all(sims.map((s) => s.stats()))).reduce((n, s) => n + s.inFlight, 0);
      const setup = accountCount === 1 ? "1 account (1 upstream origin)" : `${accountCount} accounts on ${accountCount} simulator processes (${accountCount} origins)`;
      const failed = held.failed ? `${held.failed} (${Object.entries(held.statuses).filter(([k]) => k !== "200").map(([k, v]) => `${v}× ${k}`).join(", ")})` : "0";
      return {
        open: held.open,
        stuck: held.waiting,
        heldForMs: held.heldForMs,
        lastFailedMs: held.lastFailedMs,
        statuses: held.statuses,
        simInFlight,
        row: [
          setup,
          held.open,
          held.waiting,
          failed,
          num(held.lastOpenedMs, 0),
          simInFlight,
          num(before, 1),
          num(during, 1),
          held.open > 0 ? num(((during - before) * 1024) / held.open, 0) : "–",
          num(after, 1),
          simAfter,
        ],
      };
    } finally {
      await proxy.stop();
    }
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
}

/**
 * Where the proxy caps upstream connections per origin, read from its source (the
 * transport has changed under this benchmark before: undici \`connections\`, node:http
 * \`maxSockets\`).
 */
function capExplanation(): string {
  const dir = join(ROOT, "shared/oci");
  for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ts")) : []) {
    const text = readFileSync(join(dir, file), "utf8");
    const match = /\b(maxSockets|connections)\s*:\s*(\d+)/.exec(text);
    if (match) {
      const why =
        match[1] === "maxSockets"
          ? "Its headers timer (from `request_timeout`) calls `request.destroy()`, but Node defers the error of a request still queued in an `http.Agent` until the agent hands it a socket, so the timeout never answers a call that is waiting for a connection."
          : "undici's `headersTimeout` (set from `request_timeout`) only starts once a request is written to a connection, so it never answers a call that is waiting for one.";
      return `The proxy's upstream transport holds at most ${match[2]} connections per origin (\`${match[1]}: ${match[2]}\` on the one keep-alive agent every account shares, shared/oci/${file}), and every account whose endpoint is the same origin — every account in one OCI region — shares those ${match[2]}. ${why}`;
    }
  }
  return "The proxy's upstream transport appears to cap concurrent connections per origin.";
}
