/**
 * Optional run (`--profile`): the proxy (one account) and the minimal translating proxy,
 * each under `node --cpu-prof` at concurrency 8, non-stream; the proxy's profile summarised
 * by module and by function, and the functions where it spends more CPU per request than
 * the minimal proxy — where the proxy's extra cost goes.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import { summarizeProfile, type ProfileSummary } from "./cpu-profile";
import { accountsFile, makeAccounts, proxyConfig, proxyTarget } from "./fixtures";
import { runLoad } from "./load";
import { PROXY_CLI, startMinimalProxyProcess, startProxyProcess, startSimulatorProcess, type ProxyProcess } from "./processes";
import { num, type Section, type Table } from "./report";

const CONCURRENCY = 8;

export async function runProfile(ctx: BenchContext): Promise<Section> {
  const durationMs = ctx.quick ? 3_000 : 6_000;
  const accounts = makeAccounts(ctx.dir, 1);
  const sim = await startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, accounts, "profile"), logDir: ctx.logDir, name: "sim-profile" });
  const cpuProf = (dir: string) => ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "200"];
  try {
    const cfg = proxyConfig(ctx.dir, "profile", [{ account: accounts[0], endpoint: sim.url }]);
    const proxyDir = join(ctx.dir, "cpu-profile-proxy");
    const proxy = await startProxyProcess({ configFile: cfg.file, logDir: ctx.logDir, name: "proxy-profiled", nodeArgs: cpuProf(proxyDir) });
    const proxyRun = await profiled(proxy, proxyDir, PROXY_CLI, "proxy, 1 account", durationMs);

    const minimalDir = join(ctx.dir, "cpu-profile-minimal");
    const minimal = await startMinimalProxyProcess({
      logDir: ctx.logDir,
      dir: ctx.dir,
      upstream: sim.url,
      account: accounts[0],
      nodeArgs: cpuProf(minimalDir),
    });
    const minimalRun = await profiled(minimal, minimalDir, minimal.bundle, "minimal translating proxy", durationMs);

    const { summary } = proxyRun;
    const modules: Table = {
      title: "Proxy CPU profile: self time by module (busy time only)",
      columns: ["module", "self ms", "share"],
      rows: summary.byModule.slice(0, 14).map((e) => [e.name, num(e.selfMs, 0), `${(e.share * 100).toFixed(1)}%`]),
      notes: [`busy ${num(summary.busyMs, 0)} ms of ${num(summary.totalMs, 0)} ms profiled (warm-up included); ${proxyRun.requests} measured requests`],
    };
    const functions: Table = {
      title: "Proxy CPU profile: top functions by self time",
      columns: ["function", "source", "self ms", "share"],
      rows: summary.byFunction.slice(0, 18).map((e) => [e.name, e.where, num(e.selfMs, 0), `${(e.share * 100).toFixed(1)}%`]),
    };
    const extra = extraCost(proxyRun, minimalRun);
    for (const t of [modules, functions, extra]) printTable(t);
    return {
      title: "Where the proxy's CPU goes (profile)",
      method: [
        `The proxy (one account) and the minimal translating proxy each ran under \`node --cpu-prof --cpu-prof-interval 200\` (µs) while the bench sent non-stream requests at concurrency ${CONCURRENCY} for 1 s (warm-up) plus ${durationMs / 1000} s. Bundle positions are mapped back to their sources through each bundle's source map; "self" time is time in the function itself, not its callees; idle time is excluded from the shares. The last table divides each function's self time by the requests each process served and lists where the proxy spends more than the minimal proxy.`,
      ],
      tables: [modules, functions, extra],
    };
  } finally {
    await sim.stop();
  }
}

interface ProfiledRun {
  summary: ProfileSummary;
  requests: number;
}

async function profiled(server: ProxyProcess, profileDir: string, bundle: string, name: string, durationMs: number): Promise<ProfiledRun> {
  const target = proxyTarget(server.url, name);
  await runLoad(target, { concurrency: CONCURRENCY, durationMs: 1_000 });
  progress(`profile: ${name}, ${durationMs} ms at concurrency ${CONCURRENCY} under --cpu-prof`);
  const result = await runLoad(target, { concurrency: CONCURRENCY, durationMs });
  // The profile is written when the process exits (SIGTERM → graceful close → exit).
  await server.stop();
  const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`${name} wrote no .cpuprofile`);
  // Warm-up requests are in the profile too: count them in the per-request division.
  return { summary: summarizeProfile(join(profileDir, file), { bundle }), requests: result.ok + Math.round((result.ok * 1_000) / durationMs) };
}

/** Functions with the most extra self time per request in the proxy than in the minimal proxy. */
function extraCost(proxy: ProfiledRun, minimal: ProfiledRun): Table {
  const perRequest = (run: ProfiledRun) => new Map(run.summary.byFunction.map((e) => [`${e.name}\t${e.where}`, (e.selfMs * 1000) / run.requests]));
  const p = perRequest(proxy);
  const m = perRequest(minimal);
  const rows = [...p]
    .map(([key, us]) => ({ key, us, base: m.get(key) ?? 0 }))
    .sort((a, b) => b.us - b.base - (a.us - a.base))
    .slice(0, 20);
  const busy = (run: ProfiledRun) => (run.summary.busyMs * 1000) / run.requests;
  return {
    title: "Extra CPU per request over the minimal translating proxy, by function (µs, self time)",
    columns: ["function", "source", "proxy µs/req", "minimal µs/req", "extra"],
    rows: rows.map((r) => [...r.key.split("\t"), num(r.us, 1), num(r.base, 1), num(r.us - r.base, 1)]),
    notes: [`busy CPU per request: proxy ${num(busy(proxy), 0)} µs, minimal proxy ${num(busy(minimal), 0)} µs`],
  };
}
