/**
 * `npm run bench:ab -- [--base <commit>] [--rounds N] [--tracing]`: an interleaved A/B run
 * of two builds of the proxy against the minimal translating proxy, for measuring one change
 * on a noisy machine. The base commit (default HEAD~1) is exported with `git archive` and
 * its CLI built into a scratch folder; the work tree's dist/cli is the candidate (run
 * `npm run build` first). Each round runs every path for a slice at concurrency 1 (added
 * p50 over a direct signed call) and at concurrency 32 (req/s), the order rotating per
 * round, and reports per path the median and range over rounds, and the ratios to the
 * minimal proxy of the same round (issue 12's targets: added p50 ≤ 1.2×, req/s ≥ 0.9×).
 * `--tracing` adds the candidate with OTEL_* pointing at a local OTLP receiver.
 */
import { execSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startOtlpReceiver } from "../test/helpers/otlp-receiver";
import { accountsFile, floorTarget, makeAccounts, proxyConfig, proxyTarget } from "./bench/fixtures";
import { closePools, runLoad, summarizeResult, type Target } from "./bench/load";
import { cpuTimeMs } from "./bench/proc-stats";
import { installCleanup, ROOT, startMinimalProxyProcess, startProxyProcess, startSimulatorProcess, stopAll } from "./bench/processes";

interface Path {
  name: string;
  target: Target;
  pid: number;
  /** Per round: p50 at c=1 (ms), req/s at c=32, and the process's CPU per request at c=32 (µs). */
  p50: number[];
  rps: number[];
  cpuUs: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: "string", default: "HEAD~1" },
      rounds: { type: "string", default: "6" },
      slice: { type: "string", default: "700" },
      tracing: { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const sliceMs = Number(values.slice);
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), "ociai-ab-"));
  const logDir = dir;
  try {
    const baseCli = buildBase(values.base!, join(dir, "base"));
    const accounts = makeAccounts(dir, 1);
    const sim = await startSimulatorProcess({ accountsFile: accountsFile(dir, accounts, "ab"), logDir, name: "sim-ab" });
    const cfg = proxyConfig(dir, "ab", [{ account: accounts[0], endpoint: sim.url }]);
    const receiver = values.tracing ? await startOtlpReceiver() : undefined;
    const [minimal, base, candidate, traced] = await Promise.all([
      startMinimalProxyProcess({ logDir, dir, upstream: sim.url, account: accounts[0] }),
      startProxyProcess({ configFile: cfg.file, logDir, name: "proxy-base", cli: baseCli }),
      startProxyProcess({ configFile: cfg.file, logDir, name: "proxy-candidate" }),
      receiver &&
        startProxyProcess({
          configFile: cfg.file,
          logDir,
          name: "proxy-traced",
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" },
        }),
    ]);
    const floor = floorTarget(sim.url, accounts[0]);
    const paths: Path[] = [
      { name: "minimal translating proxy", target: proxyTarget(minimal.url, "minimal"), pid: minimal.proc.pid },
      { name: `base ${values.base}`, target: proxyTarget(base.url, "base"), pid: base.proc.pid },
      { name: "candidate (work tree)", target: proxyTarget(candidate.url, "candidate"), pid: candidate.proc.pid },
      ...(traced ? [{ name: "candidate, tracing on", target: proxyTarget(traced.url, "traced"), pid: traced.proc.pid }] : []),
    ].map((p) => ({ ...p, p50: [], rps: [], cpuUs: [] }));
    const floorP50: number[] = [];

    // Steady state first: V8 keeps optimizing a gateway's code for seconds after start-up.
    for (const p of [{ target: floor }, ...paths]) await runLoad(p.target, { concurrency: 32, durationMs: 3_000 });
    for (let round = 0; round < rounds; round++) {
      const order = [...paths.keys()].map((k) => (k + round) % paths.length);
      floorP50.push(summarizeResult(await runLoad(floor, { concurrency: 1, durationMs: sliceMs })).p50);
      for (const i of order) paths[i].p50.push(summarizeResult(await runLoad(paths[i].target, { concurrency: 1, durationMs: sliceMs })).p50);
      for (const i of order) {
        const cpuBefore = cpuTimeMs(paths[i].pid);
        const result = await runLoad(paths[i].target, { concurrency: 32, durationMs: sliceMs });
        paths[i].rps.push(summarizeResult(result).rps);
        paths[i].cpuUs.push(((cpuTimeMs(paths[i].pid) - cpuBefore) * 1000) / result.ok);
      }
      process.stderr.write(`round ${round + 1}/${rounds}\n`);
    }

    const minimalPath = paths[0];
    const added = (p: Path, r: number) => p.p50[r] - floorP50[r];
    const lines = [`direct p50 (c=1): ${fmt(floorP50, 2)} ms`];
    for (const p of paths) {
      const addedMs = p.p50.map((_, r) => added(p, r));
      lines.push(`${p.name.padEnd(28)} added p50 ${fmt(addedMs, 3)} ms   req/s@32 ${fmt(p.rps, 0)}   CPU µs/req@32 ${fmt(p.cpuUs, 0)}`);
      if (p === minimalPath) continue;
      const latencyRatio = p.p50.map((_, r) => added(p, r) / added(minimalPath, r));
      const rpsRatio = p.rps.map((v, r) => v / minimalPath.rps[r]);
      lines.push(`${"".padEnd(28)} vs minimal: added p50 ×${fmt(latencyRatio, 2)}   req/s ×${fmt(rpsRatio, 2)}`);
    }
    const [, a, b] = paths;
    lines.push(
      `candidate vs base (same rounds): added p50 ${fmt(b.p50.map((_, r) => added(b, r) - added(a, r)), 3)} ms, req/s ×${fmt(b.rps.map((v, r) => v / a.rps[r]), 3)}, CPU µs/req ${fmt(b.cpuUs.map((v, r) => v - a.cpuUs[r]), 0)}`,
    );
    process.stdout.write(`A/B: ${rounds} rounds of ${sliceMs} ms per path and level; median [min–max] over rounds\n${lines.join("\n")}\n`);
    await receiver?.close();
  } finally {
    await closePools();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The base commit's CLI, built from a `git archive` export that shares this tree's node_modules. */
function buildBase(commit: string, into: string): string {
  execSync(`mkdir -p ${into} && git -C ${ROOT} archive ${commit} | tar -x -C ${into}`, { stdio: "inherit" });
  symlinkSync(join(ROOT, "node_modules"), join(into, "node_modules"));
  execSync("node scripts/build.mjs --cli-only --quiet", { cwd: into, stdio: "inherit" });
  return join(into, "dist/cli/ociai-proxy.js");
}

/** "median [min–max]" */
function fmt(values: number[], digits: number): string {
  const sorted = [...values].sort((x, y) => x - y);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `${median.toFixed(digits)} [${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)}]`;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
