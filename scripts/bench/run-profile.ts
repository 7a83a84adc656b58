/**
 * Optional run (`--profile`): the proxy (one account) under `node --cpu-prof` at
 * concurrency 8, non-stream, then the profile summarised by module and by function.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import { summarizeProfile } from "./cpu-profile";
import { accountsFile, makeAccounts, proxyConfig, proxyTarget } from "./fixtures";
import { runLoad } from "./load";
import { PROXY_CLI, startProxyProcess, startSimulatorProcess } from "./processes";
import { num, type Section, type Table } from "./report";

export async function runProfile(ctx: BenchContext): Promise<Section> {
  const durationMs = ctx.quick ? 3_000 : 6_000;
  const concurrency = 8;
  const accounts = makeAccounts(ctx.dir, 1);
  const sim = await startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, accounts, "profile"), logDir: ctx.logDir, name: "sim-profile" });
  const profileDir = join(ctx.dir, "cpu-profile");
  try {
    const cfg = proxyConfig(ctx.dir, "profile", [{ account: accounts[0], endpoint: sim.url }]);
    const proxy = await startProxyProcess({
      configFile: cfg.file,
      logDir: ctx.logDir,
      name: "proxy-profiled",
      nodeArgs: ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-interval", "200"],
    });
    const target = proxyTarget(proxy.url, "proxy, 1 account");
    await runLoad(target, { concurrency, durationMs: 1_000 });
    progress(`profile: ${durationMs} ms at concurrency ${concurrency} under --cpu-prof`);
    const result = await runLoad(target, { concurrency, durationMs });
    // The profile is written when the process exits (SIGTERM → graceful close → exit).
    await proxy.stop();
    const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the proxy wrote no .cpuprofile");
    const summary = summarizeProfile(join(profileDir, file), { bundle: PROXY_CLI });

    const modules: Table = {
      title: "Proxy CPU profile: self time by module (busy time only)",
      columns: ["module", "self ms", "share"],
      rows: summary.byModule.slice(0, 14).map((e) => [e.name, num(e.selfMs, 0), `${(e.share * 100).toFixed(1)}%`]),
      notes: [`busy ${num(summary.busyMs, 0)} ms of ${num(summary.totalMs, 0)} ms profiled (warm-up included); ${result.count} measured requests`],
    };
    const functions: Table = {
      title: "Proxy CPU profile: top functions by self time",
      columns: ["function", "source", "self ms", "share"],
      rows: summary.byFunction.slice(0, 18).map((e) => [e.name, e.where, num(e.selfMs, 0), `${(e.share * 100).toFixed(1)}%`]),
    };
    printTable(modules);
    printTable(functions);
    return {
      title: "Where the proxy's CPU goes (profile)",
      method: [
        `The proxy (one account) ran under \`node --cpu-prof --cpu-prof-interval 200\` (µs) while the bench sent non-stream requests at concurrency ${concurrency} for 1 s (warm-up) plus ${durationMs / 1000} s. Bundle positions are mapped back to their sources with \`dist/cli/ociai-proxy.js.map\`; "self" time is time in the function itself, not its callees; idle time is excluded from the shares.`,
      ],
      tables: [modules, functions],
    };
  } finally {
    await sim.stop();
  }
}
